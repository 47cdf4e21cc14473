// notify: MagicBell-compatible HTTP endpoints over a NotificationStore.
//
// Routes (every one needs an X-MAGICBELL-API-KEY header; any value is accepted
// in this version):
//   POST   /broadcasts                      201, the broadcast; Idempotency-Key dedupes
//   GET    /broadcasts/{id}                 200, the broadcast
//   GET    /notifications                   200, one page of the user's inbox
//   GET    /notifications/{id}              200, {"notification": ...}
//   DELETE /notifications/{id}              204
//   POST   /notifications/{id}/read         204 (also marks it seen)
//   POST   /notifications/{id}/unread       204
//   POST   /notifications/{id}/archive      204
//   DELETE /notifications/{id}/archive      204, unarchives
//   POST   /notifications/read              204, marks the inbox read
//   POST   /notifications/seen              204, marks the inbox seen
// Routes under /notifications read the user from X-MAGICBELL-USER-EXTERNAL-ID,
// or from X-MAGICBELL-USER-EMAIL when that is absent.
//
// Errors use MagicBell's body {"errors": [{"code": ..., "message": ...}]}:
// 400 for a body that is not a JSON object, 401 for a missing API key or user,
// 404 for an unknown route or id, 405 for a method a route does not serve, 422
// for a bad field or query parameter, 500 for a storage failure. A request
// that fails writes nothing.
//
// Thread safety: Handle may be called from several threads at once.
#pragma once

#include "common/http.h"
#include "notify/notification_store.h"

namespace tidings::notify {

class NotifyApi {
 public:
  // `store` must outlive the API.
  explicit NotifyApi(NotificationStore* store) : store_(store) {}

  // Returns true for paths this API serves: /broadcasts and /notifications,
  // with or without sub-paths.
  bool Handles(const HttpRequest& request) const;

  HttpResponse Handle(const HttpRequest& request);

 private:
  HttpResponse HandleBroadcasts(const HttpRequest& request, std::string_view rest);
  HttpResponse HandleNotifications(const HttpRequest& request, std::string_view rest);
  HttpResponse HandleOneNotification(const HttpRequest& request, const User& user,
                                     const std::string& id, std::string_view action);
  HttpResponse CreateBroadcast(const HttpRequest& request);
  HttpResponse ListNotifications(const HttpRequest& request, const User& user);
  HttpResponse MarkAll(const HttpRequest& request, const User& user, bool read);

  NotificationStore* const store_;
};

}  // namespace tidings::notify

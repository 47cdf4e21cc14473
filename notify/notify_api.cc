#include "notify/notify_api.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/errors.h"
#include "fmt/format.h"
#include "notify/logger.h"
#include "notify/magicbell_json.h"

namespace tidings::notify {
namespace {

constexpr std::string_view kBroadcastsPath = "/broadcasts";
constexpr std::string_view kNotificationsPath = "/notifications";

HttpResponse JsonResponse(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

HttpResponse ErrorResponse(int status, std::string_view code, std::string_view message) {
  Logger()->debug("replying {} {}: {}", status, code, message);
  return JsonResponse(status, ErrorToJson(code, message));
}

HttpResponse NoContent() { return JsonResponse(204, ""); }

HttpResponse MethodNotAllowed(const HttpRequest& request) {
  return ErrorResponse(405, "method_not_allowed",
                       fmt::format("{} is not supported on {}", request.method, request.path));
}

HttpResponse RouteNotFound(const HttpRequest& request) {
  return ErrorResponse(404, "not_found", fmt::format("no route for {} {}", request.method,
                                                     request.path));
}

// Maps a status from the store or the JSON parser to MagicBell's error reply.
HttpResponse FromStatus(const absl::Status& status) {
  std::string message(status.message());
  switch (KindOf(status)) {
    case ErrorKind::kSerialization:
      return ErrorResponse(400, "invalid_json", message);
    case ErrorKind::kValidation:
      return ErrorResponse(422, "invalid_parameter", message);
    case ErrorKind::kResourceNotFound:
      return ErrorResponse(404, "not_found", message);
    default:
      Logger()->warn("request failed: {}", message);
      return ErrorResponse(500, "internal_error",
                           "the notification store failed; retry, and see the server log if it "
                           "fails again");
  }
}

// Parses a query parameter that must be a whole number of at least 1.
absl::StatusOr<int> ParsePositiveInt(const HttpRequest& request, const std::string& name,
                                     int default_value) {
  auto it = request.query.find(name);
  if (it == request.query.end()) return default_value;
  const std::string& text = it->second;
  bool digits_only = !text.empty() && text.size() <= 9 &&
                     text.find_first_not_of("0123456789") == std::string::npos;
  if (!digits_only || std::stoi(text) < 1) {
    return ValidationError(fmt::format(
        "query parameter \"{}\" is \"{}\"; send a whole number of 1 or more", name, text));
  }
  return std::stoi(text);
}

absl::StatusOr<std::optional<bool>> ParseBool(const HttpRequest& request, const std::string& name) {
  auto it = request.query.find(name);
  if (it == request.query.end()) return std::nullopt;
  if (it->second == "true") return true;
  if (it->second == "false") return false;
  return ValidationError(fmt::format("query parameter \"{}\" is \"{}\"; send true or false", name,
                                     it->second));
}

// Splits a comma-separated query parameter, dropping empty items.
std::vector<std::string> ParseList(const HttpRequest& request, const std::string& name) {
  std::vector<std::string> items;
  auto it = request.query.find(name);
  if (it == request.query.end()) return items;
  std::string_view rest = it->second;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    if (!item.empty()) items.emplace_back(item);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return items;
}

absl::StatusOr<NotificationFilter> ParseFilter(const HttpRequest& request) {
  NotificationFilter filter;
  auto read = ParseBool(request, "read");
  if (!read.ok()) return read.status();
  auto seen = ParseBool(request, "seen");
  if (!seen.ok()) return seen.status();
  auto archived = ParseBool(request, "archived");
  if (!archived.ok()) return archived.status();
  filter.read = *read;
  filter.seen = *seen;
  filter.archived = *archived;
  filter.categories = ParseList(request, "categories");
  filter.topics = ParseList(request, "topics");
  return filter;
}

// Returns the user named by the request's headers, or nullopt when neither
// header is present.
std::optional<User> UserFromHeaders(const HttpRequest& request) {
  User user;
  user.external_id = request.Header("x-magicbell-user-external-id");
  if (user.external_id.empty()) user.email = request.Header("x-magicbell-user-email");
  if (user.external_id.empty() && user.email.empty()) return std::nullopt;
  return user;
}

// Removes `prefix` from the front of `path`; returns false when `path` is not
// `prefix` itself or `prefix` followed by "/".
bool ConsumePrefix(std::string_view prefix, std::string_view* path) {
  if (path->substr(0, prefix.size()) != prefix) return false;
  std::string_view rest = path->substr(prefix.size());
  if (!rest.empty() && rest[0] != '/') return false;
  *path = rest;
  return true;
}

}  // namespace

bool NotifyApi::Handles(const HttpRequest& request) const {
  std::string_view path = request.path;
  return ConsumePrefix(kBroadcastsPath, &path) || ConsumePrefix(kNotificationsPath, &path);
}

HttpResponse NotifyApi::Handle(const HttpRequest& request) {
  Logger()->debug("{} {}", request.method, request.path);
  if (request.Header("x-magicbell-api-key").empty()) {
    return ErrorResponse(401, "api_key_not_provided",
                         "X-MAGICBELL-API-KEY header not provided; send your project's API key");
  }

  std::string_view rest = request.path;
  if (rest.size() > 1 && rest.back() == '/') rest.remove_suffix(1);
  if (ConsumePrefix(kBroadcastsPath, &rest)) return HandleBroadcasts(request, rest);
  if (ConsumePrefix(kNotificationsPath, &rest)) return HandleNotifications(request, rest);
  return RouteNotFound(request);
}

HttpResponse NotifyApi::HandleBroadcasts(const HttpRequest& request, std::string_view rest) {
  if (rest.empty()) {
    if (request.method != "POST") return MethodNotAllowed(request);
    return CreateBroadcast(request);
  }

  std::string id(rest.substr(1));
  if (id.empty() || id.find('/') != std::string::npos) return RouteNotFound(request);
  if (request.method != "GET") return MethodNotAllowed(request);
  auto broadcast = store_->GetBroadcast(id);
  if (!broadcast.ok()) return FromStatus(broadcast.status());
  return JsonResponse(200, BroadcastToJson(*broadcast, /*wrapped=*/false));
}

HttpResponse NotifyApi::CreateBroadcast(const HttpRequest& request) {
  auto parsed = ParseBroadcastRequest(request.body);
  if (!parsed.ok()) return FromStatus(parsed.status());

  auto broadcast = store_->CreateBroadcast(parsed->request, request.Header("idempotency-key"));
  if (!broadcast.ok()) return FromStatus(broadcast.status());
  return JsonResponse(201, BroadcastToJson(*broadcast, parsed->wrapped));
}

HttpResponse NotifyApi::HandleNotifications(const HttpRequest& request, std::string_view rest) {
  std::optional<User> user = UserFromHeaders(request);
  if (!user.has_value()) {
    return ErrorResponse(401, "user_email_not_provided",
                         "neither X-MAGICBELL-USER-EXTERNAL-ID nor X-MAGICBELL-USER-EMAIL header "
                         "provided; send the external id or email of the inbox's user");
  }

  if (rest.empty()) {
    if (request.method != "GET") return MethodNotAllowed(request);
    return ListNotifications(request, *user);
  }
  rest.remove_prefix(1);  // The "/" after "/notifications".
  if (rest == "read" || rest == "seen") {
    if (request.method != "POST") return MethodNotAllowed(request);
    return MarkAll(request, *user, /*read=*/rest == "read");
  }

  size_t slash = rest.find('/');
  std::string id(rest.substr(0, slash));
  std::string_view action = slash == std::string_view::npos ? "" : rest.substr(slash + 1);
  if (id.empty() || action.find('/') != std::string_view::npos) return RouteNotFound(request);
  return HandleOneNotification(request, *user, id, action);
}

HttpResponse NotifyApi::HandleOneNotification(const HttpRequest& request, const User& user,
                                              const std::string& id, std::string_view action) {
  const std::string& method = request.method;
  absl::Status status;
  if (action.empty() && method == "GET") {
    auto notification = store_->GetNotification(user, id);
    if (!notification.ok()) return FromStatus(notification.status());
    return JsonResponse(200, NotificationToJson(*notification));
  } else if (action.empty() && method == "DELETE") {
    status = store_->Delete(user, id);
  } else if (action == "read" && method == "POST") {
    status = store_->MarkRead(user, id);
  } else if (action == "unread" && method == "POST") {
    status = store_->MarkUnread(user, id);
  } else if (action == "archive" && method == "POST") {
    status = store_->Archive(user, id);
  } else if (action == "archive" && method == "DELETE") {
    status = store_->Unarchive(user, id);
  } else if (action.empty() || action == "read" || action == "unread" || action == "archive") {
    return MethodNotAllowed(request);
  } else {
    return RouteNotFound(request);
  }

  if (!status.ok()) return FromStatus(status);
  return NoContent();
}

HttpResponse NotifyApi::ListNotifications(const HttpRequest& request, const User& user) {
  NotificationQuery query;
  auto filter = ParseFilter(request);
  if (!filter.ok()) return FromStatus(filter.status());
  auto page = ParsePositiveInt(request, "page", 1);
  if (!page.ok()) return FromStatus(page.status());
  auto per_page = ParsePositiveInt(request, "per_page", kDefaultPerPage);
  if (!per_page.ok()) return FromStatus(per_page.status());
  query.filter = *std::move(filter);
  query.page = *page;
  query.per_page = *per_page;

  auto result = store_->ListNotifications(user, query);
  if (!result.ok()) return FromStatus(result.status());
  return JsonResponse(200, NotificationPageToJson(*result));
}

HttpResponse NotifyApi::MarkAll(const HttpRequest& request, const User& user, bool read) {
  auto filter = ParseFilter(request);
  if (!filter.ok()) return FromStatus(filter.status());
  auto changed = read ? store_->MarkAllRead(user, *filter) : store_->MarkAllSeen(user, *filter);
  if (!changed.ok()) return FromStatus(changed.status());
  return NoContent();
}

}  // namespace tidings::notify

// common: the HTTP request and response that server/ hands to api/ and
// notify/ handlers, free of any networking library.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace tidings {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // Without the query string, e.g. "/notifications".
  std::map<std::string, std::string> query;    // Decoded query parameters.
  std::map<std::string, std::string> headers;  // Names in lower case.
  std::string body;

  // Returns the header's value, or "" when absent. `name` is lower case.
  const std::string& Header(const std::string& name) const {
    static const std::string kEmpty;
    auto it = headers.find(name);
    return it == headers.end() ? kEmpty : it->second;
  }
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

}  // namespace tidings

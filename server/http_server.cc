#include "server/http_server.h"

#include <array>
#include <chrono>
#include <optional>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "common/logging.h"
#include "fmt/format.h"

namespace tidings {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr size_t kMaxBodyBytes = 16 * 1024 * 1024;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string UrlDecode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out.push_back(' ');
    } else if (text[i] == '%' && i + 2 < text.size() &&
               HexValue(text[i + 1]) >= 0 && HexValue(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

// One client connection: reads requests and writes responses in turn.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const HttpServer::Handler* handler)
      : stream_(std::move(socket)), handler_(handler) {}

  void Start() { Read(); }

 private:
  void Read() {
    parser_.emplace();
    parser_->body_limit(kMaxBodyBytes);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      RejectAndClose(http::status::payload_too_large,
                     fmt::format("Request body exceeds the maximum of {} bytes", kMaxBodyBytes));
      return;
    }
    if (ec && ec.category() == http::make_error_code(http::error::bad_method).category() &&
        ec != http::error::end_of_stream && ec != http::error::partial_message) {
      RejectAndClose(http::status::bad_request,
                     fmt::format("Malformed HTTP request: {}", ec.message()));
      return;
    }
    if (ec) {
      if (ec != http::error::end_of_stream && ec != asio::error::operation_aborted &&
          ec != asio::error::connection_reset && ec != asio::error::eof) {
        Logger("api")->debug("connection closed while reading: {}", ec.message());
      }
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      return;
    }
    http::request<http::string_body> request = parser_->release();
    HttpRequest converted;
    converted.method = std::string(request.method_string());
    ParseTarget(std::string_view(request.target().data(), request.target().size()), &converted.path,
                &converted.query);
    for (const auto& field : request) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      converted.headers[name] = std::string(field.value());
    }
    converted.body = std::move(request.body());

    HttpResponse result = (*handler_)(converted);
    auto response = std::make_shared<http::response<http::string_body>>();
    response->version(request.version());
    response->result(static_cast<http::status>(result.status));
    response->set(http::field::server, "tidings");
    response->set(http::field::content_type, result.content_type);
    for (const auto& [name, value] : result.headers) response->set(name, value);
    response->keep_alive(request.keep_alive());
    response->body() = std::move(result.body);
    response->prepare_payload();

    http::async_write(stream_, *response,
                      [self = shared_from_this(), response](beast::error_code write_ec, size_t) {
                        if (write_ec || !response->keep_alive()) {
                          beast::error_code ignored;
                          self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
                          return;
                        }
                        self->Read();
                      });
  }

  // Responds to a request that cannot be parsed with `status` and a DynamoDB-style
  // JSON error, then stops reading requests. The rest of what the client
  // sends is read and dropped, so that closing the socket does not reset the
  // connection before the client has read the response.
  void RejectAndClose(http::status status, const std::string& message) {
    Logger("api")->info("rejected a request: {}", message);
    auto response = std::make_shared<http::response<http::string_body>>(status, 11);
    response->set(http::field::server, "tidings");
    response->set(http::field::content_type, "application/x-amz-json-1.0");
    response->keep_alive(false);
    response->body() = fmt::format(
        R"({{"__type":"com.amazonaws.dynamodb.v20120810#SerializationException","message":"{}"}})",
        message);
    response->prepare_payload();
    http::async_write(stream_, *response,
                      [self = shared_from_this(), response](beast::error_code, size_t) {
                        beast::error_code ignored;
                        self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
                        self->Drain();
                      });
  }

  void Drain() {
    stream_.expires_after(std::chrono::seconds(30));
    stream_.async_read_some(asio::buffer(drain_buffer_),
                            [self = shared_from_this()](beast::error_code ec, size_t) {
                              if (!ec) self->Drain();
                            });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::array<char, 16384> drain_buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  const HttpServer::Handler* handler_;
};

}  // namespace

void ParseTarget(std::string_view target, std::string* path,
                 std::map<std::string, std::string>* query) {
  size_t question = target.find('?');
  *path = UrlDecode(target.substr(0, question));
  if (question == std::string_view::npos) return;
  std::string_view rest = target.substr(question + 1);
  while (!rest.empty()) {
    size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    size_t eq = pair.find('=');
    std::string key = UrlDecode(pair.substr(0, eq));
    std::string value = eq == std::string_view::npos ? "" : UrlDecode(pair.substr(eq + 1));
    if (!key.empty()) (*query)[key] = value;
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
}

struct HttpServer::State {
  explicit State(Handler h) : handler(std::move(h)), acceptor(io) {}

  void Accept() {
    acceptor.async_accept(asio::make_strand(io), [this](beast::error_code ec, tcp::socket socket) {
      if (ec) {
        if (ec != asio::error::operation_aborted) {
          Logger("api")->warn("accept failed: {}", ec.message());
          Accept();
        }
        return;
      }
      beast::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      std::make_shared<Session>(std::move(socket), &handler)->Start();
      Accept();
    });
  }

  Handler handler;
  asio::io_context io;
  tcp::acceptor acceptor;
};

HttpServer::HttpServer(Handler handler, int threads)
    : state_(std::make_unique<State>(std::move(handler))), thread_count_(std::max(1, threads)) {}

HttpServer::~HttpServer() { Stop(); }

absl::Status HttpServer::Listen(const std::string& host, uint16_t port) {
  beast::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec) {
    return absl::InvalidArgumentError(fmt::format(
        "invalid listen address \"{}\": {}; pass --listen HOST:PORT with an IP address such as "
        "127.0.0.1",
        host, ec.message()));
  }
  tcp::endpoint endpoint(address, port);
  auto& acceptor = state_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return absl::FailedPreconditionError(fmt::format(
        "cannot listen on {}:{}: {}; stop the other process using the port or pass another "
        "--listen",
        host, port, ec.message()));
  }
  return absl::OkStatus();
}

uint16_t HttpServer::port() const {
  beast::error_code ec;
  return state_->acceptor.local_endpoint(ec).port();
}

void HttpServer::Start() {
  state_->Accept();
  for (int i = 0; i < thread_count_; ++i) {
    threads_.emplace_back([this] { state_->io.run(); });
  }
}

void HttpServer::Stop() {
  if (threads_.empty()) return;
  asio::post(state_->io, [this] {
    beast::error_code ignored;
    state_->acceptor.close(ignored);
  });
  state_->io.stop();
  for (auto& thread : threads_) thread.join();
  threads_.clear();
}

}  // namespace tidings

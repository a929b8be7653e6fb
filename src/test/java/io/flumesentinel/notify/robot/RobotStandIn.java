package io.flumesentinel.notify.robot;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A chat vendor's robot endpoint on a free local port, checking requests as the vendor documents:
 * the access token, the signature (recomputed here from the shared secret and the received
 * timestamp, independently of the code under test), the message shape and size. A request that
 * fails a check gets the vendor's error answer; every request is recorded with what it was
 * answered.
 */
public final class RobotStandIn {

  static final String TOKEN = "t0ken";
  static final long ONE_HOUR_MILLIS = 3_600_000;

  /** One request as the robot saw it, and its answer. */
  public record Message(
      long arrivedNanos, String query, JsonObject body, int status, String answer) {

    public boolean accepted() {
      return status == 200
          && (answer.equals("ok") || answer.matches(".*\"(errcode|code)\":0[,}].*"));
    }

    /** What a person sees of the message: the vendor's text field(s). */
    public String text() {
      if (body.containsKey("markdown")) {
        JsonObject markdown = body.getJsonObject("markdown");
        return markdown.getString("text", markdown.getString("content"));
      }
      if (body.containsKey("blocks")) {
        StringBuilder text = new StringBuilder();
        for (Object block : body.getJsonArray("blocks")) {
          text.append(((JsonObject) block).getJsonObject("text").getString("text")).append("\n");
        }
        return text.toString();
      }
      return body.getJsonObject("content").getString("text");
    }
  }

  private enum Vendor {
    DINGTALK,
    WECOM,
    FEISHU,
    SLACK
  }

  private final Vendor vendor;
  private final String secret;
  private final List<Message> messages = new CopyOnWriteArrayList<>();
  private final Queue<String> scripted = new ConcurrentLinkedQueue<>();
  private HttpServer server;

  private RobotStandIn(Vendor vendor, String secret) {
    this.vendor = vendor;
    this.secret = secret;
  }

  public static Future<RobotStandIn> dingtalk(Vertx vertx, String secret) {
    return new RobotStandIn(Vendor.DINGTALK, secret).listen(vertx);
  }

  static Future<RobotStandIn> wecom(Vertx vertx) {
    return new RobotStandIn(Vendor.WECOM, null).listen(vertx);
  }

  static Future<RobotStandIn> feishu(Vertx vertx, String secret) {
    return new RobotStandIn(Vendor.FEISHU, secret).listen(vertx);
  }

  static Future<RobotStandIn> slack(Vertx vertx) {
    return new RobotStandIn(Vendor.SLACK, null).listen(vertx);
  }

  /** The robot's webhook URL, as the vendor hands it out (with its token). */
  public String url() {
    String base = "http://127.0.0.1:" + server.actualPort();
    return switch (vendor) {
      case DINGTALK -> base + "/robot/send?access_token=" + TOKEN;
      case WECOM -> base + "/cgi-bin/webhook/send?key=" + TOKEN;
      case FEISHU -> base + "/open-apis/bot/v2/hook/" + TOKEN;
      case SLACK -> base + "/services/T000/B000/" + TOKEN;
    };
  }

  public List<Message> messages() {
    return List.copyOf(messages);
  }

  List<Message> accepted() {
    return messages.stream().filter(Message::accepted).toList();
  }

  /** The next request that passes the checks is answered {@code answer} (HTTP 200) instead. */
  void answerNext(String answer) {
    scripted.add(answer);
  }

  public Future<Void> close() {
    return server.close();
  }

  private Future<RobotStandIn> listen(Vertx vertx) {
    server = vertx.createHttpServer().requestHandler(this::handle);
    return server.listen(0, "127.0.0.1").map(this);
  }

  private void handle(HttpServerRequest request) {
    long arrived = System.nanoTime();
    request
        .body()
        .onSuccess(
            content -> {
              JsonObject body;
              try {
                body = content.toJsonObject();
              } catch (RuntimeException e) {
                body = new JsonObject();
              }
              String[] answer = check(request, body, content);
              String given = scripted.poll();
              if (given != null && answer[0].equals("200") && isSuccess(answer[1])) {
                answer = new String[] {"200", given};
              }
              int status = Integer.parseInt(answer[0]);
              messages.add(new Message(arrived, request.query(), body, status, answer[1]));
              request.response().setStatusCode(status).end(answer[1]);
            });
  }

  private static boolean isSuccess(String answer) {
    return answer.equals("ok") || answer.contains("\":0");
  }

  /** {status, body} */
  private String[] check(HttpServerRequest request, JsonObject body, Buffer content) {
    return switch (vendor) {
      case DINGTALK -> dingtalk(request, body);
      case WECOM -> wecom(request, body);
      case FEISHU -> feishu(request, body);
      case SLACK -> slack(request, body);
    };
  }

  private String[] dingtalk(HttpServerRequest request, JsonObject body) {
    if (!TOKEN.equals(request.getParam("access_token"))) {
      return ok("{\"errcode\":300001,\"errmsg\":\"token is not exist\"}");
    }
    if (secret != null) {
      String timestamp = request.getParam("timestamp");
      String sign = request.getParam("sign");
      if (timestamp == null || sign == null || !recent(Long.parseLong(timestamp))) {
        return ok("{\"errcode\":310000,\"errmsg\":\"sign not match, timestamp missing or stale\"}");
      }
      String expected = hmacBase64(secret, timestamp + "\n" + secret);
      if (!same(expected, sign)) {
        return ok("{\"errcode\":310000,\"errmsg\":\"sign not match\"}");
      }
    }
    JsonObject markdown = body.getJsonObject("markdown");
    if (!"markdown".equals(body.getString("msgtype"))
        || markdown == null
        || markdown.getString("title") == null
        || markdown.getString("text") == null) {
      return ok("{\"errcode\":40035,\"errmsg\":\"missing parameter json\"}");
    }
    if (markdown.getString("text").length() > 20_000) {
      return ok("{\"errcode\":460101,\"errmsg\":\"message too long\"}");
    }
    return ok("{\"errcode\":0,\"errmsg\":\"ok\"}");
  }

  private String[] wecom(HttpServerRequest request, JsonObject body) {
    if (!TOKEN.equals(request.getParam("key"))) {
      return ok("{\"errcode\":93000,\"errmsg\":\"invalid webhook url\"}");
    }
    JsonObject markdown = body.getJsonObject("markdown");
    if (!"markdown".equals(body.getString("msgtype"))
        || markdown == null
        || markdown.getString("content") == null) {
      return ok("{\"errcode\":44004,\"errmsg\":\"empty content\"}");
    }
    if (markdown.getString("content").getBytes(StandardCharsets.UTF_8).length > 4096) {
      return ok("{\"errcode\":40058,\"errmsg\":\"markdown.content exceed max length 4096\"}");
    }
    return ok("{\"errcode\":0,\"errmsg\":\"ok\"}");
  }

  private String[] feishu(HttpServerRequest request, JsonObject body) {
    if (!request.path().endsWith("/" + TOKEN)) {
      return ok(
          "{\"code\":19001,\"msg\":\"param invalid: incoming webhook access token invalid\"}");
    }
    if (secret != null) {
      String timestamp = body.getString("timestamp");
      String sign = body.getString("sign");
      if (timestamp == null
          || sign == null
          || !recent(Long.parseLong(timestamp) * 1000)
          || !same(hmacBase64(timestamp + "\n" + secret, ""), sign)) {
        return ok(
            "{\"code\":19021,\"msg\":\"sign match fail or timestamp is not within one hour from"
                + " current time\"}");
      }
    }
    JsonObject text = body.getJsonObject("content");
    if (!"text".equals(body.getString("msg_type"))
        || text == null
        || text.getString("text") == null) {
      return ok("{\"code\":9499,\"msg\":\"Bad Request\"}");
    }
    return ok("{\"code\":0,\"msg\":\"success\",\"data\":{}}");
  }

  private String[] slack(HttpServerRequest request, JsonObject body) {
    if (!request.path().endsWith("/" + TOKEN)) {
      return new String[] {"403", "invalid_token"};
    }
    JsonArray blocks = body.getJsonArray("blocks");
    if (body.getString("text") == null || blocks == null || blocks.size() > 50) {
      return new String[] {"400", "invalid_blocks"};
    }
    for (Object block : blocks) {
      JsonObject text = ((JsonObject) block).getJsonObject("text");
      if (!"section".equals(((JsonObject) block).getString("type"))
          || text == null
          || text.getString("text").length() > 3000) {
        return new String[] {"400", "invalid_blocks"};
      }
    }
    return new String[] {"200", "ok"};
  }

  private static String[] ok(String json) {
    return new String[] {"200", json};
  }

  private static boolean recent(long millis) {
    return Math.abs(System.currentTimeMillis() - millis) < ONE_HOUR_MILLIS;
  }

  private static boolean same(String expected, String given) {
    return MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
  }

  private static String hmacBase64(String key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return Base64.getEncoder().encodeToString(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}

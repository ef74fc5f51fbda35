package io.couponsync.simulator.rpc;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import static io.couponsync.simulator.rpc.JsonShapes.NODES;

/** HTTP JSON-RPC 2.0: one request or a batch (array) per POST, answered in the same shape. */
@ChannelHandler.Sharable
final class JsonRpcHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

	private final RpcMethods methods;

	private final Faults faults;

	private final RpcMetrics metrics;

	JsonRpcHandler(RpcMethods methods, Faults faults, RpcMetrics metrics) {
		this.methods = methods;
		this.faults = faults;
		this.metrics = metrics;
	}

	@Override
	protected void channelRead0(ChannelHandlerContext context, FullHttpRequest request) {
		metrics.httpRequest();
		if (request.method() != HttpMethod.POST) {
			respond(context, request, HttpResponseStatus.METHOD_NOT_ALLOWED, "Used HTTP Method is not allowed. POST or OPTIONS is required", null);
			return;
		}
		if (faults.takeTooManyRequests()) {
			metrics.tooManyRequests();
			ObjectNode error = errorResponse(NODES.nullNode(), 429, "Too many requests for a specific RPC call");
			respond(context, request, HttpResponseStatus.TOO_MANY_REQUESTS, error.toString(),
					Integer.toString(faults.retryAfterSeconds()));
			return;
		}
		String body = request.content().toString(StandardCharsets.UTF_8);
		JsonNode answer;
		try {
			JsonNode parsed = JsonShapes.MAPPER.readTree(body);
			if (parsed.isArray()) {
				ArrayNode answers = NODES.arrayNode();
				for (JsonNode single : parsed) {
					answers.add(answer(single));
				}
				answer = parsed.isEmpty() ? errorResponse(NODES.nullNode(), RpcException.INVALID_REQUEST,
						"Invalid request") : answers;
			}
			else {
				answer = answer(parsed);
			}
		}
		catch (JacksonException ex) {
			answer = errorResponse(NODES.nullNode(), RpcException.PARSE_ERROR, "Parse error");
		}
		String answerText = answer.toString();
		long latency = faults.latencyMillis();
		if (latency > 0) {
			// why: scheduled, not slept, so a slow answer does not hold up the event loop's other connections
			boolean keepAlive = HttpUtil.isKeepAlive(request);
			context.executor().schedule(() -> respond(context, keepAlive, HttpResponseStatus.OK, answerText, null),
					latency, java.util.concurrent.TimeUnit.MILLISECONDS);
			return;
		}
		respond(context, request, HttpResponseStatus.OK, answerText, null);
	}

	private JsonNode answer(JsonNode request) {
		JsonNode id = request.path("id");
		if (!request.isObject() || !"2.0".equals(request.path("jsonrpc").asString(null))
				|| !request.path("method").isString()) {
			return errorResponse(id.isMissingNode() ? NODES.nullNode() : id, RpcException.INVALID_REQUEST,
					"Invalid request");
		}
		String method = request.get("method").asString();
		metrics.call(method);
		if (faults.takeNodeBehind()) {
			ObjectNode behind = errorResponse(id, RpcException.NODE_UNHEALTHY, "Node is behind by 42 slots");
			((ObjectNode) behind.get("error")).set("data", NODES.objectNode().put("numSlotsBehind", 42));
			return behind;
		}
		if (faults.takeFailedCall(method)) {
			return errorResponse(id, RpcException.INTERNAL_ERROR, "Internal error");
		}
		try {
			ObjectNode response = NODES.objectNode();
			response.put("jsonrpc", "2.0");
			response.set("result", "getBlock".equals(method) && faults.takeWithheldBlock() ? NODES.nullNode()
					: methods.call(method, request.get("params")));
			response.set("id", id);
			return response;
		}
		catch (RpcException ex) {
			return errorResponse(id, ex.code(), ex.getMessage());
		}
		catch (RuntimeException ex) {
			return errorResponse(id, RpcException.INVALID_PARAMS, "Invalid params: " + ex.getMessage());
		}
	}

	static ObjectNode errorResponse(JsonNode id, int code, String message) {
		ObjectNode response = NODES.objectNode();
		response.put("jsonrpc", "2.0");
		ObjectNode error = response.putObject("error");
		error.put("code", code);
		error.put("message", message);
		response.set("id", id);
		return response;
	}

	private static void respond(ChannelHandlerContext context, FullHttpRequest request, HttpResponseStatus status,
			String body, String retryAfter) {
		respond(context, HttpUtil.isKeepAlive(request), status, body, retryAfter);
	}

	private static void respond(ChannelHandlerContext context, boolean keepAlive, HttpResponseStatus status,
			String body, String retryAfter) {
		FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
				Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
		response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
		response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
		if (retryAfter != null) {
			response.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfter);
		}
		if (keepAlive) {
			response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
			context.writeAndFlush(response);
		}
		else {
			context.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
		}
	}
}

package io.couponsync.simulator.rpc;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.couponsync.chain.Base58;
import io.couponsync.simulator.ledger.Commitment;
import io.couponsync.simulator.ledger.LedgerListener;
import io.couponsync.simulator.ledger.LedgerTransaction;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.concurrent.GlobalEventExecutor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import static io.couponsync.simulator.rpc.JsonShapes.NODES;

/**
 * WebSocket subscriptions (logsSubscribe, slotSubscribe) and their notifications, in the shapes of the real
 * PubSub service. Told of ledger events as a {@link LedgerListener}.
 */
public final class PubSub implements LedgerListener {

	/** One subscription of one connection. */
	private record Subscription(int id, Channel channel, String kind, String mentions, Commitment commitment) {
	}

	/** The longest log line an inflated notification is padded with. */
	private static final int PADDING_LINE_CHARS = 1 << 20;

	private final Map<Integer, Subscription> subscriptions = new ConcurrentHashMap<>();

	private final AtomicInteger nextId = new AtomicInteger();

	private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

	private final Faults faults;

	private final AtomicLong notificationsSent = new AtomicLong();

	private final Map<String, Boolean> seen = new ConcurrentHashMap<>();

	PubSub(Faults faults) {
		this.faults = faults;
	}

	void connected(Channel channel) {
		channels.add(channel);
	}

	void disconnected(Channel channel) {
		subscriptions.values().removeIf(subscription -> subscription.channel() == channel);
	}

	/** Closes every WebSocket connection, as a provider restart or a network blip does. */
	public void dropAllConnections() {
		channels.close().awaitUninterruptibly();
		subscriptions.clear();
	}

	public int connectionCount() {
		return channels.size();
	}

	public int subscriptionCount() {
		return subscriptions.size();
	}

	public long notificationsSent() {
		return notificationsSent.get();
	}

	/** Answers one request frame. */
	String handle(Channel channel, String text) {
		JsonNode request;
		try {
			request = JsonShapes.MAPPER.readTree(text);
		}
		catch (RuntimeException ex) {
			return JsonRpcHandler.errorResponse(NODES.nullNode(), RpcException.PARSE_ERROR, "Parse error").toString();
		}
		JsonNode id = request.path("id");
		String method = request.path("method").asString("");
		JsonNode params = request.path("params");
		try {
			JsonNode result = switch (method) {
				case "logsSubscribe" -> NODES.numberNode(logsSubscribe(channel, params));
				case "slotSubscribe" -> NODES.numberNode(subscribe(channel, "slot", null, Commitment.PROCESSED));
				case "logsUnsubscribe", "slotUnsubscribe" -> NODES.booleanNode(unsubscribe(channel, params));
				default -> throw new RpcException(RpcException.METHOD_NOT_FOUND, "Method not found");
			};
			ObjectNode response = NODES.objectNode();
			response.put("jsonrpc", "2.0");
			response.set("result", result);
			response.set("id", id);
			return response.toString();
		}
		catch (RpcException ex) {
			return JsonRpcHandler.errorResponse(id, ex.code(), ex.getMessage()).toString();
		}
	}

	private int logsSubscribe(Channel channel, JsonNode params) {
		JsonNode filter = params.path(0);
		String mentions = null;
		if (filter.isString()) {
			if (!filter.asString().equals("all") && !filter.asString().equals("allWithVotes")) {
				throw new RpcException(RpcException.INVALID_PARAMS, "Invalid params: unknown filter " + filter);
			}
		}
		else if (filter.has("mentions")) {
			JsonNode addresses = filter.get("mentions");
			if (!addresses.isArray() || addresses.size() != 1) {
				throw new RpcException(RpcException.INVALID_PARAMS,
						"Invalid Request: Only 1 address supported");
			}
			mentions = addresses.get(0).asString();
			try {
				if (Base58.decode(mentions).length != 32) {
					throw new IllegalArgumentException();
				}
			}
			catch (IllegalArgumentException ex) {
				throw new RpcException(RpcException.INVALID_PARAMS, "Invalid Request: Invalid pubkey provided");
			}
		}
		else {
			throw new RpcException(RpcException.INVALID_PARAMS, "Invalid params: missing filter");
		}
		Commitment commitment;
		try {
			commitment = Commitment.parse(params.path(1).path("commitment").asString(null), Commitment.FINALIZED);
		}
		catch (IllegalArgumentException ex) {
			throw new RpcException(RpcException.INVALID_PARAMS, "Invalid params: " + ex.getMessage());
		}
		return subscribe(channel, "logs", mentions, commitment);
	}

	private int subscribe(Channel channel, String kind, String mentions, Commitment commitment) {
		int id = nextId.incrementAndGet();
		subscriptions.put(id, new Subscription(id, channel, kind, mentions, commitment));
		return id;
	}

	private boolean unsubscribe(Channel channel, JsonNode params) {
		int id = params.path(0).asInt(-1);
		Subscription subscription = subscriptions.get(id);
		if (subscription == null || subscription.channel() != channel) {
			throw new RpcException(RpcException.INVALID_PARAMS, "Invalid subscription id.");
		}
		subscriptions.remove(id);
		return true;
	}

	@Override
	public void onTransaction(LedgerTransaction transaction, Commitment commitment) {
		boolean firstSight = seen.putIfAbsent(transaction.signature(), Boolean.TRUE) == null;
		if (faults.withheld(transaction.signature(), firstSight) || faults.silent()) {
			return;
		}
		String payload = null;
		for (Subscription subscription : subscriptions.values()) {
			if (!"logs".equals(subscription.kind()) || subscription.commitment() != commitment
					|| (subscription.mentions() != null
							&& !transaction.draft().accountKeys().contains(subscription.mentions()))) {
				continue;
			}
			if (faults.takeMalformedNotification()) {
				subscription.channel().write(new TextWebSocketFrame(malformed(subscription.id())));
			}
			if (payload == null) {
				payload = logsValue(transaction, faults.takeInflation());
			}
			String notification = "{\"jsonrpc\":\"2.0\",\"method\":\"logsNotification\",\"params\":{\"result\":"
					+ payload + ",\"subscription\":" + subscription.id() + "}}";
			subscription.channel().writeAndFlush(new TextWebSocketFrame(notification));
			notificationsSent.incrementAndGet();
		}
	}

	private static String logsValue(LedgerTransaction transaction, int padding) {
		ObjectNode result = NODES.objectNode();
		result.set("context", NODES.objectNode().put("slot", transaction.slot()));
		ObjectNode value = result.putObject("value");
		value.put("signature", transaction.signature());
		value.set("err", JsonShapes.err(transaction.draft().err()));
		ArrayNode logs = value.putArray("logs");
		transaction.draft().logs().forEach(logs::add);
		for (int left = padding; left > 0; left -= PADDING_LINE_CHARS) {
			logs.add("Program log: " + "x".repeat(Math.min(left, PADDING_LINE_CHARS)));
		}
		return result.toString();
	}

	private static String malformed(int subscription) {
		return switch (subscription % 3) {
			case 0 -> "{\"jsonrpc\":\"2.0\",\"method\":\"logsNotification\",\"params\":{\"result\":{\"context\":{}}";
			case 1 -> "{\"jsonrpc\":\"2.0\",\"method\":\"logsNotification\",\"params\":{\"result\":{\"value\":42},\"subscription\":"
					+ subscription + "}}";
			default -> "\u0000not json at all";
		};
	}

	@Override
	public void onSlot(long slot, long parent, long root) {
		if (faults.silent()) {
			return;
		}
		String payload = null;
		for (Subscription subscription : subscriptions.values()) {
			if (!"slot".equals(subscription.kind())) {
				continue;
			}
			if (payload == null) {
				payload = "{\"parent\":" + parent + ",\"root\":" + root + ",\"slot\":" + slot + "}";
			}
			subscription.channel().writeAndFlush(new TextWebSocketFrame(
					"{\"jsonrpc\":\"2.0\",\"method\":\"slotNotification\",\"params\":{\"result\":" + payload
							+ ",\"subscription\":" + subscription.id() + "}}"));
		}
	}
}

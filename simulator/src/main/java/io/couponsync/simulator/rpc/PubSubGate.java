package io.couponsync.simulator.rpc;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * Sits before the WebSocket protocol handler to inject connection faults: a handshake refused with 429, and
 * pings left unanswered while connections are silenced.
 */
final class PubSubGate extends ChannelInboundHandlerAdapter {

	private final Faults faults;

	PubSubGate(Faults faults) {
		this.faults = faults;
	}

	@Override
	public void channelRead(ChannelHandlerContext context, Object message) {
		if (message instanceof FullHttpRequest && faults.takeRejectedHandshake()) {
			ReferenceCountUtil.release(message);
			DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
					HttpResponseStatus.TOO_MANY_REQUESTS,
					Unpooled.copiedBuffer("Too many requests", StandardCharsets.UTF_8));
			response.headers().set(HttpHeaderNames.RETRY_AFTER, Integer.toString(faults.retryAfterSeconds()));
			response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
			context.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
			return;
		}
		if (message instanceof PingWebSocketFrame && faults.silent()) {
			ReferenceCountUtil.release(message);
			return;
		}
		context.fireChannelRead(message);
	}
}

package io.couponsync.simulator.rpc;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;

/** Text frames of a PubSub WebSocket connection, handed to {@link PubSub}. */
@ChannelHandler.Sharable
final class PubSubHandler extends SimpleChannelInboundHandler<TextWebSocketFrame> {

	private final PubSub pubSub;

	PubSubHandler(PubSub pubSub) {
		this.pubSub = pubSub;
	}

	@Override
	public void userEventTriggered(ChannelHandlerContext context, Object event) throws Exception {
		if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
			pubSub.connected(context.channel());
		}
		super.userEventTriggered(context, event);
	}

	@Override
	protected void channelRead0(ChannelHandlerContext context, TextWebSocketFrame frame) {
		context.writeAndFlush(new TextWebSocketFrame(pubSub.handle(context.channel(), frame.text())));
	}

	@Override
	public void channelInactive(ChannelHandlerContext context) throws Exception {
		pubSub.disconnected(context.channel());
		super.channelInactive(context);
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
		context.close();
	}
}

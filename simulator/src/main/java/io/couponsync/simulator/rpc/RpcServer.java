package io.couponsync.simulator.rpc;

import java.net.InetSocketAddress;

import io.couponsync.simulator.ledger.Ledger;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;

/** The two listening sockets of a Solana RPC node: JSON-RPC over HTTP and PubSub over WebSocket, on loopback only. */
public final class RpcServer implements AutoCloseable {

	/** Agave's MAX_REQUEST_BODY_SIZE: a node answers HTTP 413 to a larger request. */
	private static final int MAX_REQUEST_BODY = 50 * 1024;

	private static final int MAX_FRAME = 50 * 1024 * 1024;

	private final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

	private final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());

	private final Channel httpChannel;

	private final Channel wsChannel;

	private final PubSub pubSub;

	private final RpcMetrics metrics = new RpcMetrics();

	public RpcServer(Ledger ledger, Faults faults, String host, int httpPort, int wsPort) {
		JsonRpcHandler rpc = new JsonRpcHandler(new RpcMethods(ledger, faults), faults, metrics);
		this.pubSub = new PubSub(faults);
		ledger.addListener(pubSub);
		PubSubHandler pubSubHandler = new PubSubHandler(pubSub);
		this.httpChannel = bind(host, httpPort, new ChannelInitializer<SocketChannel>() {
			@Override
			protected void initChannel(SocketChannel channel) {
				channel.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_REQUEST_BODY), rpc);
			}
		});
		WebSocketServerProtocolConfig wsConfig = WebSocketServerProtocolConfig.newBuilder().websocketPath("/")
			.checkStartsWith(true).maxFramePayloadLength(MAX_FRAME).build();
		this.wsChannel = bind(host, wsPort, new ChannelInitializer<SocketChannel>() {
			@Override
			protected void initChannel(SocketChannel channel) {
				channel.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
						new PubSubGate(faults), new WebSocketServerProtocolHandler(wsConfig), pubSubHandler);
			}
		});
	}

	private Channel bind(String host, int port, ChannelInitializer<SocketChannel> initializer) {
		return new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
			.childHandler(initializer).bind(host, port).syncUninterruptibly().channel();
	}

	public int httpPort() {
		return ((InetSocketAddress) httpChannel.localAddress()).getPort();
	}

	public int wsPort() {
		return ((InetSocketAddress) wsChannel.localAddress()).getPort();
	}

	public PubSub pubSub() {
		return pubSub;
	}

	public RpcMetrics metrics() {
		return metrics;
	}

	@Override
	public void close() {
		pubSub.dropAllConnections();
		httpChannel.close().syncUninterruptibly();
		wsChannel.close().syncUninterruptibly();
		boss.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
		workers.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
	}
}

package io.couponsync.listener;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A WebSocket endpoint for tests (RFC 6455, just enough of it): it accepts every connection and sends it one text
 * message, in the fragments given, then ignores whatever the client sends. The simulator only sends what a node
 * sends; this sends what a broken or hostile one might.
 */
final class OneMessageWebSocketServer implements AutoCloseable {

	private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

	private final ServerSocket server;

	private final List<String> fragments;

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	private final AtomicInteger connections = new AtomicInteger();

	OneMessageWebSocketServer(List<String> fragments) throws IOException {
		this.fragments = fragments;
		this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		Thread acceptor = new Thread(this::accept, "test-websocket-server");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	String url() {
		return "ws://127.0.0.1:" + server.getLocalPort() + "/";
	}

	int connections() {
		return connections.get();
	}

	private void accept() {
		while (!server.isClosed()) {
			try {
				Socket socket = server.accept();
				sockets.add(socket);
				connections.incrementAndGet();
				OutputStream out = socket.getOutputStream();
				out.write(handshake(socket).getBytes(StandardCharsets.ISO_8859_1));
				for (int i = 0; i < fragments.size(); i++) {
					frame(out, i == 0 ? 0x1 : 0x0, i == fragments.size() - 1,
							fragments.get(i).getBytes(StandardCharsets.UTF_8));
				}
				out.flush();
			}
			catch (IOException ex) {
				// closed, or the client went away: next connection
			}
		}
	}

	private static String handshake(Socket socket) throws IOException {
		BufferedReader request = new BufferedReader(
				new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
		String key = null;
		for (String line = request.readLine(); line != null && !line.isEmpty(); line = request.readLine()) {
			if (line.toLowerCase().startsWith("sec-websocket-key:")) {
				key = line.substring(line.indexOf(':') + 1).trim();
			}
		}
		try {
			String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
				.digest((key + ACCEPT_GUID).getBytes(StandardCharsets.ISO_8859_1)));
			return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
					+ "Sec-WebSocket-Accept: " + accept + "\r\n\r\n";
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** One unmasked frame, as a server sends them. */
	private static void frame(OutputStream out, int opcode, boolean fin, byte[] payload) throws IOException {
		out.write((fin ? 0x80 : 0) | opcode);
		if (payload.length < 126) {
			out.write(payload.length);
		}
		else if (payload.length < 65_536) {
			out.write(126);
			out.write(payload.length >>> 8);
			out.write(payload.length & 0xff);
		}
		else {
			out.write(127);
			for (int shift = 56; shift >= 0; shift -= 8) {
				out.write((int) (((long) payload.length >>> shift) & 0xff));
			}
		}
		out.write(payload);
	}

	@Override
	public void close() throws IOException {
		server.close();
		for (Socket socket : sockets) {
			socket.close();
		}
	}
}

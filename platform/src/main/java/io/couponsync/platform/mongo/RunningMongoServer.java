package io.couponsync.platform.mongo;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;

import org.bson.BsonBinaryWriter;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;
import org.bson.codecs.EncoderContext;
import org.bson.io.BasicOutputBuffer;

/**
 * Whether a MongoDB server already answers on an address — typically the embedded server of the application running
 * in another process, which a command started beside it should use rather than try to start a second one on the same
 * port and data file. A connect attempt first (refused at once when nothing listens), then one {@code ping} as an
 * OP_MSG, so a port held by something that is not MongoDB does not count.
 *
 * <p>
 * why by hand rather than with the driver: a driver client starts monitor threads that log a stack trace for every
 * failed attempt, which is noise on a port that turns out not to be MongoDB; one message needs none of that.
 */
final class RunningMongoServer {

	static final Duration TIMEOUT = Duration.ofSeconds(1);

	private static final int OP_MSG = 2013;

	/** A ping answer is tiny; anything longer is not one. */
	private static final int MAX_REPLY = 64 * 1024;

	private RunningMongoServer() {
	}

	static boolean answers(String host, int port) {
		int millis = (int) TIMEOUT.toMillis();
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host, port), millis);
			socket.setSoTimeout(2 * millis);
			OutputStream out = socket.getOutputStream();
			out.write(pingMessage());
			out.flush();
			return isOk(readReply(new DataInputStream(socket.getInputStream())));
		}
		catch (IOException | RuntimeException ex) {
			return false;
		}
	}

	private static byte[] pingMessage() {
		BasicOutputBuffer buffer = new BasicOutputBuffer();
		new BsonDocumentCodec().encode(new BsonBinaryWriter(buffer),
				new BsonDocument("ping", new BsonInt32(1)).append("$db", new BsonString("admin")),
				EncoderContext.builder().build());
		byte[] body = buffer.toByteArray();
		int length = 16 + 4 + 1 + body.length;
		return ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN).putInt(length).putInt(1).putInt(0)
			.putInt(OP_MSG).putInt(0).put((byte) 0).put(body).array();
	}

	/** The reply's body document, or null when it is not an OP_MSG reply. */
	private static RawBsonDocument readReply(DataInputStream in) throws IOException {
		byte[] lengthBytes = new byte[4];
		in.readFully(lengthBytes);
		int length = ByteBuffer.wrap(lengthBytes).order(ByteOrder.LITTLE_ENDIAN).getInt();
		if (length < 21 || length > MAX_REPLY) {
			return null;
		}
		byte[] rest = new byte[length - 4];
		in.readFully(rest);
		ByteBuffer reply = ByteBuffer.wrap(rest).order(ByteOrder.LITTLE_ENDIAN);
		reply.position(8);
		if (reply.getInt() != OP_MSG) {
			return null;
		}
		reply.getInt();
		if (reply.get() != 0) {
			return null;
		}
		return new RawBsonDocument(rest, reply.position(), rest.length - reply.position());
	}

	private static boolean isOk(RawBsonDocument reply) {
		BsonValue ok = reply == null ? null : reply.get("ok");
		return ok != null && ok.isNumber() && ok.asNumber().doubleValue() == 1;
	}
}

package io.couponsync.platform.mongo;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ConcurrentModificationException;
import java.util.Map;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;
import org.h2.mvstore.type.ObjectDataType;

/**
 * How the file backend stores a collection's documents in H2: as BSON, encoded and decoded by the server's own wire
 * codec, behind a tag byte H2's {@link ObjectDataType} never writes. The stock backend stores them with H2's default
 * type, which Java-serializes every document written and deserializes every one read from a page (a quarter to a
 * third of the server's time under the apply job, as much again as BSON takes on the wire). Values the stock backend
 * wrote are read as it reads them, so files it wrote open here and their documents are rewritten as BSON when next
 * changed; a file written here, though, is no longer readable by the stock backend ("Unknown tag 120").
 * <p>
 * Every value a stored document holds arrived as BSON over the wire or was made by the server from BSON types, so
 * the encoding round-trips it.
 */
final class FileDocumentType extends BasicDataType<Document> {

	/** The tag of a BSON-encoded document: above every tag {@link ObjectDataType} writes or reads. */
	static final byte BSON = 120;

	private static final int ENCODING_BUFFER_SIZE = 64 * 1024;

	/** A buffer grown past this by one large document is not kept for the next. */
	private static final int LARGEST_KEPT_BUFFER = 4 * 1024 * 1024;

	/**
	 * The buffer documents are encoded in, one per writing thread (H2's background writer, mostly), valid until that
	 * thread encodes the next. why: a new buffer per document, grown and copied several times for a staged
	 * transaction's logs, was a fifth of the background writer's time.
	 */
	private static final ThreadLocal<ByteBuf> ENCODING_BUFFER = ThreadLocal
		.withInitial(() -> Unpooled.buffer(ENCODING_BUFFER_SIZE));

	/** Enough for any update the server makes in place to finish; reaching it means something else is wrong. */
	private static final int MAX_ENCODING_ATTEMPTS = 100_000;

	/** H2's own type, for documents a stock backend (or an earlier version of this one) wrote. */
	private final ObjectDataType stock = new ObjectDataType();

	/**
	 * The average encoded size of the documents written, for H2's estimate of a page's memory: documents on the heap
	 * take several times their BSON size. why: H2's default type estimates a serialized object from such an average
	 * too, without encoding it for each estimate.
	 */
	private volatile int averageSize = 1_000;

	@Override
	public Document[] createStorage(int size) {
		return new Document[size];
	}

	@Override
	public int getMemory(Document document) {
		return averageSize * 4;
	}

	@Override
	public void write(WriteBuffer buffer, Document document) {
		ByteBuf encoded = encode(document);
		int size = encoded.readableBytes();
		buffer.put(BSON).put(encoded.array(), encoded.arrayOffset() + encoded.readerIndex(), size);
		averageSize = (int) ((size + 15L * averageSize) / 16);
	}

	/**
	 * The document as BSON, in this thread's buffer, encoded again if it changes meanwhile. why: the server changes
	 * a document it found in place, while H2's background thread may be writing the page holding it; the file
	 * backend's updates work on copies ({@link FileCollection}), and this keeps any other such change from closing
	 * the store: the put that follows it marks the page to be written again.
	 */
	static ByteBuf encode(Map<String, ?> document) {
		ByteBuf encoded = ENCODING_BUFFER.get();
		if (encoded.capacity() > LARGEST_KEPT_BUFFER) {
			encoded = Unpooled.buffer(ENCODING_BUFFER_SIZE);
			ENCODING_BUFFER.set(encoded);
		}
		for (int attempt = 1;; attempt++) {
			encoded.clear();
			try {
				BsonEncoder.encodeDocument(document, encoded);
				return encoded;
			}
			catch (ConcurrentModificationException changing) {
				if (attempt == MAX_ENCODING_ATTEMPTS) {
					throw new IllegalStateException("a stored document kept changing while it was being written ("
							+ attempt + " attempts)", changing);
				}
				Thread.yield();
			}
		}
	}

	@Override
	public Document read(ByteBuffer buffer) {
		if (buffer.get(buffer.position()) != BSON) {
			return (Document) stock.read(buffer);
		}
		buffer.get();
		int size = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt();
		if (size < 5 || size > buffer.remaining()) {
			throw new IllegalStateException("a stored document's BSON length " + size + " exceeds its page ("
					+ buffer.remaining() + " bytes left)");
		}
		byte[] encoded = new byte[size];
		buffer.get(encoded);
		return BsonDecoder.decodeBson(Unpooled.wrappedBuffer(encoded));
	}
}

package io.couponsync.chain.staging;

import java.util.List;

import com.mongodb.MongoClientSettings;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.codecs.Codec;
import org.bson.types.Binary;

/**
 * Staged documents within MongoDB's document size limit. A transaction whose document would pass it is staged
 * without its content (logs, inner instructions), saying why in {@value #UNSTORABLE}; read back it is an
 * unreadable transaction, which the apply job dead-letters with that reason. why: the driver refuses a bulk that
 * holds such a document, so one transaction would otherwise stall the listener's writer (it retries its batch until
 * it succeeds) and fail every backfill run. Only a misbehaving node can send one — the runtime truncates a
 * transaction's logs at about 10 kB — so a document is encoded to be measured only when a bound computed from its
 * lines' lengths does not already show it fits.
 */
final class StorableDocuments {

	/** MongoDB's limit on a document's encoded size (16 MiB), the server's {@code maxBsonObjectSize}. */
	static final int MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

	/** Why the transaction's content is not stored; absent on every document that holds it. */
	static final String UNSTORABLE = "unstorable";

	/** More than every field but the logs, inner instructions and error take: key, slot, dates, statuses, flags. */
	private static final int OTHER_FIELDS_BYTES = 4096;

	/** More than an array element's type, index key (up to 8 digits), length and terminator take. */
	private static final int ELEMENT_BYTES = 16;

	private static final Codec<Document> CODEC = MongoClientSettings.getDefaultCodecRegistry().get(Document.class);

	private StorableDocuments() {
	}

	/** {@code document} if it fits, else its copy without logs and inner instructions, saying why. */
	static Document storable(Document document) {
		if (upperBound(document) <= MAX_DOCUMENT_BYTES) {
			return document;
		}
		long bytes = encodedSize(document);
		if (bytes <= MAX_DOCUMENT_BYTES) {
			return document;
		}
		Document content = new Document(document);
		List<?> logs = (List<?>) content.remove("logs");
		List<?> inner = (List<?>) content.remove("innerInstructions");
		return content.append(UNSTORABLE, String.format("its document would be %,d bytes, over MongoDB's limit of "
				+ "%,d; not stored: %s", bytes, MAX_DOCUMENT_BYTES, contentDescription(logs, inner)));
	}

	static boolean isUnstorable(Document document) {
		return document.containsKey(UNSTORABLE);
	}

	/** At least the document's encoded size: a UTF-8 character takes at most three bytes. */
	private static long upperBound(Document document) {
		long bound = OTHER_FIELDS_BYTES;
		if (document.get("logs") instanceof List<?> logs) {
			for (Object line : logs) {
				bound += ELEMENT_BYTES + (line instanceof String text ? 3L * text.length() : MAX_DOCUMENT_BYTES);
			}
		}
		if (document.get("innerInstructions") instanceof List<?> inner) {
			for (Object instruction : inner) {
				bound += instruction instanceof Document fields && fields.get("data") instanceof Binary data
						&& fields.get("programId") instanceof String program
								? 64 + data.length() + 3L * program.length() : MAX_DOCUMENT_BYTES;
			}
		}
		Object err = document.get("err");
		if (err != null) {
			bound += encodedSize(new Document("err", err));
		}
		return bound;
	}

	private static long encodedSize(Document document) {
		return new RawBsonDocument(document, CODEC).getByteBuffer().remaining();
	}

	private static String contentDescription(List<?> logs, List<?> inner) {
		String lines = String.format("%,d log lines", logs == null ? 0 : logs.size());
		return inner == null ? lines : lines + String.format(" and %,d inner instructions", inner.size());
	}
}

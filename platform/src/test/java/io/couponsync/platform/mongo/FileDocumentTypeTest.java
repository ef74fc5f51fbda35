package io.couponsync.platform.mongo;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import de.bwaldvogel.mongo.bson.BinData;
import de.bwaldvogel.mongo.bson.BsonTimestamp;
import de.bwaldvogel.mongo.bson.Decimal128;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.MaxKey;
import de.bwaldvogel.mongo.bson.MinKey;
import de.bwaldvogel.mongo.bson.ObjectId;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import io.netty.buffer.ByteBuf;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.ObjectDataType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The file backend's documents, stored as BSON, read back equal, beside documents the stock type wrote. */
class FileDocumentTypeTest {

	private final FileDocumentType type = new FileDocumentType();

	private static Document everyStoredType() {
		List<Object> mixed = new ArrayList<>();
		mixed.add("text");
		mixed.add(null);
		mixed.add(List.of(1, 2L, 3.5));
		mixed.add(new Document("nested", true));
		return new Document("_id", "5KtPn1LGuxhFiwjxErkxTb7XxtLVYUBe6Cn7kzgBsqvYn8EybeyD6YxoeDSMasXuGrWL3bmKYvCM5uf3mAUtNgrw")
			.append("int", 42).append("long", 1L << 40).append("negative", -7L).append("double", 0.1)
			.append("true", true).append("false", false).append("null", null)
			.append("unicode", "caf\u00e9 \u20ac \ud83d\ude00 and a NUL \u0000 inside")
			.append("empty", "").append("at", Instant.ofEpochMilli(1_733_000_000_123L))
			.append("objectId", new ObjectId()).append("binary", new BinData(new byte[] { 0, 1, (byte) 255 }))
			.append("uuid", UUID.fromString("8f0c7d4e-51c3-4c1b-9e0b-2a4cf0f1f3a7"))
			.append("decimal", Decimal128.fromNumber(12.5)).append("timestamp", new BsonTimestamp(7L << 32 | 3))
			.append("max", MaxKey.getInstance()).append("min", MinKey.getInstance())
			.append("emptyDocument", new Document()).append("emptyList", List.of()).append("mixed", mixed)
			.append("_versions", new Document("price", "0000000000000000020.0000001.sig.0000"))
			.append("logs", List.of("Program log: Instruction: Mint", "Program data: " + "A".repeat(5_000)));
	}

	private ByteBuffer written(List<Document> documents, ObjectDataType writer) {
		WriteBuffer buffer = new WriteBuffer();
		for (Document document : documents) {
			if (writer == null) {
				type.write(buffer, document);
			}
			else {
				writer.write(buffer, document);
			}
		}
		ByteBuffer bytes = buffer.getBuffer();
		bytes.flip();
		return bytes;
	}

	@Test
	void readsBackEveryTypeAStoredDocumentHolds() {
		Document document = everyStoredType();
		ByteBuffer bytes = written(List.of(document, new Document("_id", 7L)), null);

		assertThat(bytes.get(0)).isEqualTo(FileDocumentType.BSON);
		assertThat(type.read(bytes)).isEqualTo(document);
		assertThat(type.read(bytes)).as("the next value in the page starts where the first ended")
			.isEqualTo(new Document("_id", 7L));
		assertThat(bytes.remaining()).isZero();
	}

	@Test
	void readsWhatTheStockTypeWroteBesideItsOwn() {
		Document stockWritten = new Document("_id", "sig-1").append("slot", 12L).append("status", "applied")
			.append("logs", List.of("a", "b"));
		ByteBuffer stockBytes = written(List.of(stockWritten), new ObjectDataType());
		Document own = everyStoredType();
		ByteBuffer ownBytes = written(List.of(own), null);
		ByteBuffer page = ByteBuffer.allocate(stockBytes.remaining() + ownBytes.remaining());
		page.put(stockBytes).put(ownBytes).flip();

		assertThat(page.get(0)).as("Java-serialized by H2's type").isNotEqualTo(FileDocumentType.BSON);
		assertThat(type.read(page)).isEqualTo(stockWritten);
		assertThat(type.read(page)).isEqualTo(own);
		assertThat(page.remaining()).isZero();
	}

	@Test
	void theStockTypeRefusesWhatThisOneWrote() {
		ByteBuffer bytes = written(List.of(new Document("_id", "x")), null);

		assertThatThrownBy(() -> new ObjectDataType().read(bytes)).isInstanceOf(MVStoreException.class)
			.hasMessageContaining("Unknown tag 120");
	}

	@Test
	void refusesALengthBeyondThePage() {
		ByteBuffer bytes = written(List.of(new Document("_id", "x")), null);
		ByteBuffer truncated = ByteBuffer.allocate(bytes.remaining() - 3);
		truncated.put(bytes.array(), 0, truncated.capacity()).flip();

		assertThatThrownBy(() -> type.read(truncated)).isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("exceeds its page");
	}

	@Test
	void encodesADocumentAgainWhenTheServerChangesItMidway() {
		Document document = new Document("_id", "sig-1").append("status", "applied");
		AtomicInteger iterations = new AtomicInteger();
		Map<String, Object> changedTwiceWhileRead = new LinkedHashMap<>(document) {
			@Override
			public Set<String> keySet() {
				if (iterations.incrementAndGet() <= 2) {
					throw new ConcurrentModificationException("changed in place by an update");
				}
				return super.keySet();
			}
		};

		ByteBuf encoded = FileDocumentType.encode(changedTwiceWhileRead);

		assertThat(iterations).hasValue(3);
		assertThat(BsonDecoder.decodeBson(encoded)).isEqualTo(document);
	}

	/**
	 * What the server does to a stored document (changes it in place, then puts it back) while the store writes the
	 * page holding it: every commit succeeds and the file ends with the last change.
	 */
	@Test
	void aStoreKeepsCommittingWhileADocumentItHoldsIsChanged(@TempDir Path directory) throws InterruptedException {
		String file = directory.resolve("changing.mv").toString();
		Document document = new Document("_id", "sig-1");
		for (int line = 0; line < 200; line++) {
			document.append("log" + line, "Program data: " + line);
		}
		AtomicBoolean committing = new AtomicBoolean(true);
		AtomicInteger rounds = new AtomicInteger();
		MVStore store = new MVStore.Builder().fileName(file).open();
		try {
			MVMap<Object, Document> documents = store.openMap("documents", builder());
			documents.put("sig-1", document);
			Thread server = new Thread(() -> {
				for (int round = 1; committing.get(); round++) {
					document.remove("round" + (round - 1));
					document.put("round" + round, round);
					documents.put("sig-1", document);
					rounds.set(round);
					LockSupport.parkNanos(20_000);
				}
			});
			server.start();
			for (int commit = 0; commit < 2_000 && rounds.get() < 20_000; commit++) {
				documents.put("other-" + commit, new Document("_id", "other-" + commit));
				store.commit();
			}
			committing.set(false);
			server.join();
		}
		finally {
			store.close();
		}

		MVStore reopened = new MVStore.Builder().fileName(file).readOnly().open();
		try {
			Document stored = reopened.openMap("documents", builder()).get("sig-1");
			assertThat(stored).containsEntry("round" + rounds.get(), rounds.get()).hasSize(202);
		}
		finally {
			reopened.close();
		}
	}

	private static MVMap.Builder<Object, Document> builder() {
		return new MVMap.Builder<Object, Document>().valueType(new FileDocumentType());
	}
}

package io.couponsync.platform.mongo;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import de.bwaldvogel.mongo.backend.KeyValue;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.ObjectDataType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The file backend's unique keys keep the order the stock backend wrote its indexes in, and read what it wrote. */
class UniqueKeyOrderTest {

	private final ObjectDataType stock = new ObjectDataType();

	private final UniqueKeyOrder order = new UniqueKeyOrder();

	@Test
	void ordersKeysExactlyAsTheStockTypeDoes() {
		Random random = new Random(7);
		List<KeyValue> keys = new ArrayList<>();
		for (int i = 0; i < 300; i++) {
			keys.add(new KeyValue(randomString(random)));
		}
		keys.add(new KeyValue(""));
		keys.add(new KeyValue("abc"));
		keys.add(new KeyValue("abcd"));
		keys.add(new KeyValue("abd"));
		keys.add(new KeyValue("ab\u00e9"));
		keys.add(new KeyValue("a\u0000b"));
		keys.add(new KeyValue("x".repeat(70_000)));
		keys.add(new KeyValue(42L));
		keys.add(new KeyValue("a", "b"));
		keys.add(new KeyValue("5KtPn1LGuxhFiwjxErkxTb7XxtLVYUBe6Cn7kzgBsqvYn8EybeyD6YxoeDSMasXuGrWL3bmKYvCM5uf3mAUtNgrw"));

		for (KeyValue a : keys) {
			for (KeyValue b : keys) {
				assertThat(order.compare(UniqueKeyOrder.stored(a), UniqueKeyOrder.stored(b))).as("%s against %s", a, b)
					.isEqualTo(Integer.signum(stock.compare(a, b)));
			}
		}
	}

	@Test
	void keepsAKeyOfOneShortAsciiStringAsTheString() {
		assertThat(UniqueKeyOrder.stored(new KeyValue("abc"))).isEqualTo("abc");
		assertThat(UniqueKeyOrder.stored(new KeyValue(""))).isEqualTo("");
		for (KeyValue kept : List.of(new KeyValue("ab\u00e9"), new KeyValue("a\u0000b"), new KeyValue(42L),
				new KeyValue("a", "b"), new KeyValue("x".repeat(70_000)))) {
			assertThat(UniqueKeyOrder.stored(kept)).isSameAs(kept);
			assertThat(UniqueKeyOrder.keyValue(kept)).isSameAs(kept);
		}
		assertThat(UniqueKeyOrder.keyValue("abc")).isEqualTo(new KeyValue("abc"));
	}

	@Test
	void readsKeysTheStockTypeWroteIntoTheFormsItKeeps() {
		List<KeyValue> keys = List.of(new KeyValue("sig-1"), new KeyValue("ab\u00e9"), new KeyValue(7L),
				new KeyValue("a", "b"));
		WriteBuffer stockWritten = new WriteBuffer();
		WriteBuffer written = new WriteBuffer();
		for (KeyValue key : keys) {
			stock.write(stockWritten, key);
			order.write(written, UniqueKeyOrder.stored(key));
		}
		for (WriteBuffer buffer : List.of(stockWritten, written)) {
			ByteBuffer bytes = buffer.getBuffer();
			bytes.flip();
			List<Object> read = new ArrayList<>();
			while (bytes.hasRemaining()) {
				read.add(order.read(bytes));
			}
			assertThat(read).containsExactly("sig-1", new KeyValue("ab\u00e9"), new KeyValue(7L),
					new KeyValue("a", "b"));
		}
		assertThat(written.position()).as("a string, not a serialized object").isLessThan(stockWritten.position());
	}

	/** Mostly ASCII of lengths around a signature's, some of another alphabet. */
	private static String randomString(Random random) {
		int length = random.nextInt(4) == 0 ? random.nextInt(4) : 40 + random.nextInt(50);
		StringBuilder string = new StringBuilder();
		for (int i = 0; i < length; i++) {
			int kind = random.nextInt(40);
			string.append(kind == 0 ? (char) (0x100 + random.nextInt(200)) : (char) (1 + random.nextInt(127)));
		}
		return string.toString();
	}
}

package io.couponsync.platform.mongo;

import java.util.List;
import java.util.regex.Pattern;

import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.bson.Document;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which query shapes the embedded server answers from a secondary index, and with which documents. */
class LeadingFieldIndexTest {

	private final LeadingFieldIndex<Integer> index = new LeadingFieldIndex<>("status_slot",
			List.of(new IndexKey("status", true), new IndexKey("slot", true)), false);

	@Test
	void aValueOrListOfTheLeadingFieldBesideOtherConditionsIsServedByTheIndex() {
		assertThat(index.canHandle(new Document("status", "received"))).isTrue();
		assertThat(index.canHandle(new Document("status", "received").append("slot", new Document("$gt", 3L))))
			.isTrue();
		assertThat(index.canHandle(new Document("status", new Document("$in", List.of("received", "dead")))))
			.isTrue();
		assertThat(index.canHandle(new Document("status", new Document("$eq", "received")))).isTrue();
		assertThat(index.canHandle(new Document("$and", List.of(new Document("$and", List.of(new Document("status",
				"received"), new Document("needsRefetch", new Document("$ne", true))))))))
			.as("in nested $and").isTrue();
	}

	@Test
	void aValueMostDocumentsHoldIsLeftToAScan() {
		for (int i = 0; i < 10; i++) {
			index.add(new Document("_id", "s" + i).append("status", i < 7 ? "applied" : "received"), i, null);
		}

		assertThat(index.canHandle(new Document("status", "received"))).isTrue();
		assertThat(index.canHandle(new Document("status", "applied"))).isFalse();
		assertThat(index.canHandle(new Document("status", new Document("$in", List.of("received", "dead")))))
			.isTrue();
	}

	@Test
	void otherShapesAreLeftToAScan() {
		assertThat(index.canHandle(new Document("slot", 3L))).as("not the leading field").isFalse();
		assertThat(index.canHandle(new Document("status", new Document("$ne", "dropped")))).isFalse();
		assertThat(index.canHandle(new Document("status", Pattern.compile("^rec")))).isFalse();
		assertThat(index.canHandle(new Document("status", null))).as("null also matches a missing field").isFalse();
		assertThat(index.canHandle(new Document("status", List.of("a", "b")))).as("a whole array").isFalse();
		assertThat(index.canHandle(new Document("status", new Document("$in", List.of("a", Pattern.compile("b"))))))
			.isFalse();
		assertThat(index.canHandle(new Document("$or", List.of(new Document("status", "received"))))).isFalse();
		assertThat(LeadingFieldIndex.supports(List.of(new IndexKey("data.coupon", true)))).isFalse();
	}

	@Test
	void givesTheDocumentsHoldingTheValuesInInsertionOrderAndFollowsUpdatesAndRemovals() {
		index.add(new Document("_id", "a").append("status", "received"), 0, null);
		index.add(new Document("_id", "b").append("status", "applied"), 1, null);
		index.add(new Document("_id", "c").append("status", List.of("received", "x")), 2, null);
		index.add(new Document("_id", "d"), 3, null);
		index.add(new Document("_id", "e").append("status", 5), 4, null);

		assertThat(index.getPositions(new Document("status", "received"))).containsExactly(0, 2);
		assertThat(index.getPositions(new Document("status", 5L))).as("numbers compare by value").containsExactly(4);

		index.updateInPlace(new Document("_id", "a").append("status", "received"),
				new Document("_id", "a").append("status", "applied"), 0, null);
		index.updateInPlace(new Document("_id", "c").append("status", List.of("received", "x")),
				new Document("_id", "c").append("status", List.of("received", "x")).append("slot", 9L), 2, null);
		assertThat(index.remove(new Document("_id", "b").append("status", "applied"))).isEqualTo(1);
		assertThat(index.remove(new Document("_id", "d"))).as("held though it lacks the field").isEqualTo(3);

		assertThat(index.getPositions(new Document("status", "received"))).containsExactly(2);
		assertThat(index.getPositions(new Document("status", new Document("$in", List.of("applied", "x")))))
			.containsExactly(0, 2);
		assertThat(index.getCount()).isEqualTo(3);
	}

	@Test
	void aSparseIndexHoldsOnlyTheDocumentsWithTheField() {
		LeadingFieldIndex<Integer> sparse = new LeadingFieldIndex<>("needs_refetch",
				List.of(new IndexKey("needsRefetch", true)), true);
		sparse.add(new Document("_id", "a").append("needsRefetch", true), 0, null);
		sparse.add(new Document("_id", "b"), 1, null);

		assertThat(sparse.getCount()).isOne();
		assertThat(sparse.remove(new Document("_id", "b"))).isNull();
		assertThat(sparse.getPositions(new Document("needsRefetch", true))).containsExactly(0);
	}

	@Test
	void numericBoundsOnTheLeadingFieldAreServedWhenTheyNarrow() {
		LeadingFieldIndex<Integer> slots = new LeadingFieldIndex<>("slot", List.of(new IndexKey("slot", true)), false);
		for (int i = 0; i < 10; i++) {
			slots.add(new Document("_id", "s" + i).append("slot", i % 2 == 0 ? (long) i : (Object) i), i, null);
		}
		slots.add(new Document("_id", "text").append("slot", "late"), 10, null);
		slots.add(new Document("_id", "half").append("slot", 7.5), 11, null);

		assertThat(slots.canHandle(new Document("slot", new Document("$gt", 7)))).isTrue();
		assertThat(slots.getPositions(new Document("slot", new Document("$gt", 7)))).containsExactly(8, 9, 11);
		assertThat(slots.getPositions(new Document("slot", new Document("$gte", 8.0).append("$lt", 9L))))
			.containsExactly(8);
		assertThat(slots.getPositions(new Document("$and", List.of(new Document("slot", new Document("$gt", 3L)),
				new Document("slot", new Document("$lte", 5)), new Document("other", new Document("$ne", true))))))
			.as("bounds from several terms").containsExactly(4, 5);
		assertThat(slots.getPositions(new Document("slot", new Document("$gt", 5).append("$lt", 3)))).isEmpty();
		assertThat(slots.canHandle(new Document("slot", new Document("$gte", 2)))).as("most documents").isFalse();
		assertThat(slots.canHandle(new Document("slot", new Document("$gt", "a")))).as("not a number").isFalse();
		assertThat(slots.canHandle(new Document("slot", new Document("$ne", 3)))).isFalse();

		slots.add(new Document("_id", "nan").append("slot", Double.NaN), 12, null);
		assertThat(slots.getPositions(new Document("slot", new Document("$lt", 1)))).as("NaN left to the match")
			.containsExactly(0, 12);

		Document array = new Document("_id", "array").append("slot", List.of(1L, 10L));
		slots.add(array, 13, null);
		assertThat(slots.canHandle(new Document("slot", new Document("$gt", 8)))).as("while an array is held").isFalse();
		assertThat(slots.canHandle(new Document("slot", 9))).isTrue();
		slots.remove(array);
		assertThat(slots.canHandle(new Document("slot", new Document("$gt", 8)))).isTrue();
	}

	@Test
	void walksItsDocumentsInTheFieldsOrderWhenEveryOneHoldsANumber() {
		LeadingFieldIndex<Integer> slots = new LeadingFieldIndex<>("slot", List.of(new IndexKey("slot", true)), false);
		slots.add(new Document("_id", "a").append("slot", 5L), 3, null);
		slots.add(new Document("_id", "b").append("slot", 2), 1, null);
		slots.add(new Document("_id", "c").append("slot", 5), 0, null);
		slots.add(new Document("_id", "d").append("slot", 7.5), 2, null);

		assertThat(slots.ordersAll()).isTrue();
		List<Integer> ascending = new java.util.ArrayList<>();
		slots.positionsInOrder(true).forEachRemaining(ascending::add);
		List<Integer> descending = new java.util.ArrayList<>();
		slots.positionsInOrder(false).forEachRemaining(descending::add);
		assertThat(ascending).as("ties in position order").containsExactly(1, 0, 3, 2);
		assertThat(descending).as("ties in position order").containsExactly(2, 0, 3, 1);

		Document missing = new Document("_id", "e");
		slots.add(missing, 4, null);
		assertThat(slots.ordersAll()).as("a document without the field sorts first").isFalse();
		slots.remove(missing);
		Document nan = new Document("_id", "f").append("slot", Double.NaN);
		slots.add(nan, 5, null);
		assertThat(slots.ordersAll()).as("MongoDB sorts NaN first").isFalse();
		slots.remove(nan);
		assertThat(slots.ordersAll()).isTrue();
		assertThat(new LeadingFieldIndex<Integer>("flag", List.of(new IndexKey("flag", true)), true).ordersAll())
			.as("sparse: leaves out what a sort puts first").isFalse();
	}
}

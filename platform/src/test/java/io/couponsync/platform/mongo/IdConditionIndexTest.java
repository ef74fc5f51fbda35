package io.couponsync.platform.mongo;

import java.util.List;

import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.memory.index.MemoryUniqueIndex;
import de.bwaldvogel.mongo.bson.Document;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which query shapes the embedded server answers from the _id index instead of a scan of the collection. */
class IdConditionIndexTest {

	private final IdConditionIndex<Integer> index = new IdConditionIndex<>(
			new MemoryUniqueIndex("_id_", List.of(new IndexKey("_id", true)), false));

	@Test
	void anIdValueOrListBesideOtherConditionsIsServedByTheIndex() {
		assertThat(index.canHandle(new Document("_id", "a"))).isTrue();
		assertThat(index.canHandle(new Document("_id", "a").append("status", "received"))).isTrue();
		assertThat(index.canHandle(new Document("_id", new Document("$in", List.of("a", "b"))).append("status",
				new Document("$in", List.of("received", "applied"))))).isTrue();
		assertThat(index.canHandle(new Document("$and", List.of(new Document("_id", new Document("$in",
				List.of("a"))), new Document("position", new Document("$exists", false)))))).isTrue();
	}

	@Test
	void otherShapesAreLeftToAScan() {
		assertThat(index.canHandle(new Document("status", "received"))).isFalse();
		assertThat(index.canHandle(new Document("_id", new Document("$gt", "a")).append("status", "x"))).isFalse();
		assertThat(index.canHandle(new Document("$or", List.of(new Document("_id", "a"))))).isFalse();
		assertThat(IdConditionIndex.isIdIndex(List.of(new IndexKey("status", true)))).isFalse();
	}

	@Test
	void anUpdateKeepingItsIdLeavesTheIndexAsItWasAndAChangedIdMovesIt() {
		index.add(new Document("_id", "a").append("status", "received"), 0, null);

		index.checkUpdate(new Document("_id", "a").append("status", "received"),
				new Document("_id", "a").append("status", "applied"), null);
		index.updateInPlace(new Document("_id", "a").append("status", "received"),
				new Document("_id", "a").append("status", "applied"), 0, null);
		assertThat(index.getPositions(new Document("_id", "a"))).containsExactly(0);

		index.updateInPlace(new Document("_id", "a"), new Document("_id", "b"), 0, null);
		assertThat(index.getPositions(new Document("_id", "a"))).isEmpty();
		assertThat(index.getPositions(new Document("_id", "b"))).containsExactly(0);
		assertThat(index.getCount()).isOne();
	}
}

package io.couponsync.platform.mongo;

import java.util.List;
import java.util.Set;

import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.memory.index.MemoryUniqueIndex;
import de.bwaldvogel.mongo.bson.Document;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which fields of a matched document an update is handed, and how its changes go back into the stored one. */
class UpdatedFieldsTest {

	private final List<Index<Integer>> indexes = List.of(
			new MemoryUniqueIndex("_id_", List.of(new IndexKey("_id", true)), false),
			new LeadingFieldIndex<>("status_slot", List.of(new IndexKey("status", true), new IndexKey("slot", true)),
					false),
			new LeadingFieldIndex<>("meta_kind", List.of(new IndexKey("meta.kind", true)), false));

	@Test
	void aStagingMoveTouchesItsFilterItsOperatorsAndTheIndexedFields() {
		Document filter = new Document("_id", "sig").append("status", new Document("$in", List.of("received")))
			.append("positionInBlock", new Document("$exists", false));
		Document update = new Document("$set", new Document("status", "applied").append("written.events", List.of()))
			.append("$min", new Document("firstAppliedAt", 1L))
			.append("$unset", new Document("waits", ""))
			.append("$rename", new Document("old", "new.place"));

		assertThat(UpdatedFields.of(filter, update, indexes)).containsExactlyInAnyOrder("_id", "status",
				"positionInBlock", "written", "firstAppliedAt", "waits", "old", "new", "slot", "meta");
		Document combined = new Document("$and",
				List.of(new Document("a.b", 1), new Document("$or", List.of(new Document("c", 2)))));
		assertThat(UpdatedFields.of(combined, new Document("$inc", new Document("n", 1)), indexes))
			.containsExactlyInAnyOrder("_id", "a", "c", "n", "status", "slot", "meta");
	}

	@Test
	void replacementsFiltersThatCanReadAnyFieldAndCollectionsWithoutAnIdIndexSeeWholeDocuments() {
		Document byId = new Document("_id", "sig");
		Document set = new Document("$set", new Document("status", "applied"));

		assertThat(UpdatedFields.of(byId, new Document("status", "replaced"), indexes)).isNull();
		assertThat(UpdatedFields.of(new Document("$expr", new Document("$gt", List.of("$a", 1))), set, indexes))
			.isNull();
		assertThat(UpdatedFields.of(new Document("$and", List.of(new Document("$where", "true"))), set, indexes))
			.isNull();
		assertThat(UpdatedFields.of(byId, new Document("$rename", new Document("a", 1)), indexes)).isNull();
		assertThat(UpdatedFields.of(byId, set, indexes.subList(1, 3))).isNull();
	}

	@Test
	void changesGoBackAsTheServerMakesThemToAWholeDocument() {
		Document stored = new Document("_id", "sig").append("logs", List.of("a", "b")).append("status", "received")
			.append("waits", "slot").append("slot", 5L);
		Document before = UpdatedFields.slice(stored, Set.of("_id", "status", "waits", "appliedAt"));
		Document after = new Document("_id", "sig").append("status", "applied").append("appliedAt", 9L);

		UpdatedFields.mergeInto(stored, before, after);

		assertThat(before).isEqualTo(new Document("_id", "sig").append("status", "received").append("waits", "slot"));
		assertThat(stored.toString()).isEqualTo(new Document("_id", "sig").append("logs", List.of("a", "b"))
			.append("status", "applied").append("slot", 5L).append("appliedAt", 9L).toString());
	}
}

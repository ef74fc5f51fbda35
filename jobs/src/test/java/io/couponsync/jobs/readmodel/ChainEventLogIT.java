package io.couponsync.jobs.readmodel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.bson.BsonDocument;
import org.bson.BsonString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The event log over the MongoDB wire: what a counted event contributed stays what a fork's undo takes back. */
class ChainEventLogIT {

	private static final CounterSpec LIKES = new CounterSpec("comments.likes", "comments", "likes", key -> key,
			List.of(CounterSpec.Source.count("CommentLiked", "comment")));

	/** The same counter after an upgrade that made each like count twice. */
	private static final CounterSpec DOUBLE_LIKES = new CounterSpec("comments.likes", "comments", "likes",
			key -> key, List.of(CounterSpec.Source.count("CommentLiked", "comment").times(2)));

	private WireDatabase wire;

	private ChainEventLog log;

	@BeforeEach
	void start() {
		wire = new WireDatabase();
		log = new ChainEventLog(wire.database("log"));
	}

	@AfterEach
	void stop() {
		wire.close();
	}

	private static ChainEvent liked(String signature) {
		return new ChainEvent(signature, 0, "CommentLiked", new ChangeVersion(10, 0, signature, 0),
				new BsonDocument("comment", new BsonString("c1")).append("user", new BsonString("u1")), 1_000L,
				"LikeComment");
	}

	private long logged(String eventId) {
		return log.loggedContributions(List.of(eventId)).get(eventId).get(0).get("v", Number.class).longValue();
	}

	@Test
	void aCountedEventLoggedAgainKeepsWhatItWasCountedWithAnUncountedOneTakesTheNew() {
		assertThat(log.append(List.of(liked("counted"), liked("pending")), List.of(LIKES)))
			.containsExactlyInAnyOrder("counted:0", "pending:0");
		log.markCounted(List.of("counted:0"));

		assertThat(log.append(List.of(liked("counted"), liked("pending")), List.of(DOUBLE_LIKES)))
			.as("logged again, as a replay in block order does").containsExactly("pending:0");

		assertThat(logged("counted:0")).as("counted with +1: a fork takes 1 back").isEqualTo(1);
		assertThat(logged("pending:0")).as("not counted yet: counted with the new definition").isEqualTo(2);
	}
}

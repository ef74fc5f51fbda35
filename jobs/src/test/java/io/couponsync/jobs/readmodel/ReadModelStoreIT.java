package io.couponsync.jobs.readmodel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import com.mongodb.client.MongoDatabase;
import org.bson.BsonBoolean;
import org.bson.BsonInt64;
import org.bson.BsonNull;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.couponsync.chain.staging.StagingRepository.Written;

/**
 * The store's version guard over the MongoDB wire: per field, as each document's versions are written whole, and for
 * a field the program sets once (a user's join time).
 */
class ReadModelStoreIT {

	private WireDatabase wire;

	private MongoDatabase database;

	private ReadModelStore store;

	@BeforeEach
	void start() {
		wire = new WireDatabase();
		database = wire.database("store");
		store = new ReadModelStore(database);
	}

	@AfterEach
	void stop() {
		wire.close();
	}

	private static ChangeVersion event(long slot) {
		return new ChangeVersion(slot, 0, "sig" + slot, 0);
	}

	private void joined(String user, long slot, long time) {
		ReadModelChanges changes = new ReadModelChanges();
		changes.setEarliest(Projections.USER_STATS, user, "joinedAt", new BsonInt64(time), event(slot));
		store.apply(changes);
	}

	private long joinedAt(String user) {
		return database.getCollection(Projections.USER_STATS).find(new Document("_id", user)).first()
			.getLong("joinedAt");
	}

	private void set(String promotion, String field, long value, long slot) {
		ReadModelChanges changes = new ReadModelChanges();
		changes.set(Projections.PROMOTIONS, promotion, field, new BsonInt64(value), event(slot));
		store.apply(changes);
	}

	private Document promotion(String id) {
		return database.getCollection(Projections.PROMOTIONS).find(new Document("_id", id)).first();
	}

	@Test
	void eachFieldKeepsItsOwnVersionWhenOthersAreWrittenLater() {
		set("p1", "price", 100, 20);
		set("p1", "maxSupply", 5, 30);
		set("p1", "price", 90, 10);
		set("p1", "maxSupply", 4, 25);
		Document stored = promotion("p1");
		assertThat(stored.getLong("price")).as("an older change of a field written before another").isEqualTo(100);
		assertThat(stored.getLong("maxSupply")).as("an older change of the field written last").isEqualTo(5);
		assertThat(stored.get(ReadModelStore.VERSIONS, Document.class))
			.as("both fields' versions, neither dropped by the other's write")
			.containsEntry("price", event(20).key())
			.containsEntry("maxSupply", event(30).key())
			.hasSize(2);

		set("p1", "price", 120, 40);
		stored = promotion("p1");
		assertThat(stored.getLong("price")).isEqualTo(120);
		assertThat(stored.get(ReadModelStore.VERSIONS, Document.class))
			.containsEntry("price", event(40).key())
			.containsEntry("maxSupply", event(30).key());
		assertThat(stored.getString("lastVersion")).isEqualTo(event(40).key());

		ReadModelChanges closed = new ReadModelChanges();
		closed.set(Projections.PROMOTIONS, "p1", ReadModelStore.ORPHANED, BsonBoolean.TRUE, event(50));
		store.apply(closed);
		set("p1", "maxSupply", 6, 60);
		stored = promotion("p1");
		assertThat(stored).as("a change after the closure: the account exists again").doesNotContainKey(
				ReadModelStore.ORPHANED);
		assertThat(stored.get(ReadModelStore.VERSIONS, Document.class))
			.as("the mark's removal is versioned, the other fields' versions stay")
			.containsEntry(ReadModelStore.ORPHANED, event(60).key())
			.containsEntry("price", event(40).key())
			.containsEntry("maxSupply", event(60).key());
		set("p1", "price", 80, 35);
		assertThat(promotion("p1").getLong("price")).as("still guarded after the mark came and went").isEqualTo(120);
	}

	@Test
	void theEarliestEventSetsItAndAReconciliationsReadOverridesEveryEvent() {
		joined("u1", 20, 2_000);
		joined("u1", 30, 3_000);
		assertThat(joinedAt("u1")).as("a later event keeps the earlier one's").isEqualTo(2_000);
		joined("u1", 10, 1_000);
		assertThat(joinedAt("u1")).as("an event applied late, earlier in the chain").isEqualTo(1_000);

		ReadModelChanges read = new ReadModelChanges();
		read.set(Projections.USER_STATS, "u1", "joinedAt", new BsonInt64(500),
				ChangeVersion.endOfSlot(40, ReadModelStore.RECONCILE_SOURCE));
		store.reconcile(read, 40, true);
		assertThat(joinedAt("u1")).as("the account's value (a history synced from after its creation)")
			.isEqualTo(500);
		joined("u1", 5, 400);
		assertThat(joinedAt("u1")).as("no event overrides a reconciliation's read").isEqualTo(500);

		ReadModelChanges chunk = new ReadModelChanges();
		chunk.setEarliest(Projections.USER_STATS, "u2", "joinedAt", new BsonInt64(7_000), event(70));
		chunk.setEarliest(Projections.USER_STATS, "u2", "joinedAt", new BsonInt64(6_000), event(60));
		chunk.setEarliest(Projections.USER_STATS, "u2", "joinedAt", new BsonInt64(8_000), event(80));
		store.apply(chunk);
		assertThat(joinedAt("u2")).as("one chunk's changes fold to the earliest").isEqualTo(6_000);
	}

	@Test
	void anAccountCreatedAgainAfterItsOrphanMarkSetsItAnew() {
		joined("u1", 45, 4_500);
		// a fork dropped the creation: the account is gone as of slot 50
		store.markOrphaned(List.of(new ReadModelChanges.DocumentKey(Projections.USER_STATS, "u1")),
				"dropped-by-fork", 50);
		joined("u1", 60, 6_000);
		assertThat(joinedAt("u1")).as("the creation landed again, later").isEqualTo(6_000);
		joined("u1", 55, 5_500);
		assertThat(joinedAt("u1")).as("created again, the earliest event since the mark wins again").isEqualTo(5_500);
	}

	/** An account read of the auction at {@code slot}: its fields no event carries among them. */
	private void readAuction(String auction, long slot, String seller, long minBidIncrement, boolean autoExtend) {
		ReadModelChanges read = new ReadModelChanges();
		ChangeVersion version = ChangeVersion.endOfSlot(slot, ReadModelStore.RECONCILE_SOURCE);
		read.set(Projections.AUCTIONS, auction, "seller", new BsonString(seller), version);
		read.set(Projections.AUCTIONS, auction, "minBidIncrement", new BsonInt64(minBidIncrement), version);
		read.set(Projections.AUCTIONS, auction, "autoExtend", BsonBoolean.valueOf(autoExtend), version);
		store.reconcile(read, slot, true);
	}

	/** cancel_auction's AuctionCancelled ("Cancelled by seller"): the account is closed. */
	private static void cancelledBySeller(ReadModelChanges changes, String auction, long slot) {
		changes.set(Projections.AUCTIONS, auction, "cancelReason", new BsonString("Cancelled by seller"), event(slot));
		changes.set(Projections.AUCTIONS, auction, ReadModelStore.ORPHANED, BsonBoolean.TRUE, event(slot));
		changes.set(Projections.AUCTIONS, auction, ReadModelStore.ORPHAN_REASON, new BsonString(ReadModelStore.CLOSED),
				event(slot));
	}

	/** The fields AuctionCreated gives a new auction (program-semantics §10.1), in part. */
	private static void created(ReadModelChanges changes, String auction, long slot, String seller) {
		changes.set(Projections.AUCTIONS, auction, "seller", new BsonString(seller), event(slot));
		changes.set(Projections.AUCTIONS, auction, "auctionType", new BsonString("Dutch"), event(slot));
		changes.set(Projections.AUCTIONS, auction, "cancelReason", BsonNull.VALUE, event(slot));
	}

	private Document auction(String id) {
		return database.getCollection(Projections.AUCTIONS).find(new Document("_id", id)).first();
	}

	@Test
	void anAuctionCreatedAgainAtItsAddressKeepsNothingOfTheClosedOne() {
		readAuction("a1", 20, "seller one", 10, true);
		ReadModelChanges closure = new ReadModelChanges();
		cancelledBySeller(closure, "a1", 30);
		store.apply(closure);
		assertThat(auction("a1")).containsEntry("orphanReason", "closed").containsEntry("minBidIncrement", 10L);
		// the finality job: the closure's slot is final
		store.markFinalized(Map.of("sig30", new Written(List.of(), Map.of(Projections.AUCTIONS, List.of("a1")))));

		ReadModelChanges creation = new ReadModelChanges();
		created(creation, "a1", 40, "seller two");
		store.apply(creation);

		Document created = auction("a1");
		assertThat(created).as("the new auction's own fields").containsEntry("seller", "seller two")
			.containsEntry("auctionType", "Dutch").containsEntry("cancelReason", null)
			.doesNotContainKeys(ReadModelStore.ORPHANED, ReadModelStore.ORPHAN_REASON);
		assertThat(created).as("none the closed account's read gave, which no event of the new one writes")
			.doesNotContainKeys("minBidIncrement", "autoExtend");
		assertThat(created.get(ReadModelStore.VERSIONS, Document.class)).as("taken out as of the closure")
			.containsEntry("minBidIncrement", event(30).key()).containsEntry("autoExtend", event(30).key());

		readAuction("a1", 25, "seller one", 10, true);
		assertThat(auction("a1")).as("a read of the closed account, applied late, brings nothing back")
			.doesNotContainKeys("minBidIncrement", "autoExtend").containsEntry("seller", "seller two");
		readAuction("a1", 45, "seller two", 1, false);
		assertThat(auction("a1")).as("the new account's read").containsEntry("minBidIncrement", 1L)
			.containsEntry("autoExtend", false);
	}

	@Test
	void aClosureAForkCanStillTakeBackEndsNothingWhenALaterChangeTakesItsMarkAway() {
		readAuction("a1", 20, "seller one", 10, true);
		// a cancellation on a fork, not final; the fork is dropped, and the auction takes a bid on the surviving one
		ReadModelChanges closure = new ReadModelChanges();
		cancelledBySeller(closure, "a1", 30);
		store.apply(closure);
		ReadModelChanges bid = new ReadModelChanges();
		bid.set(Projections.AUCTIONS, "a1", "bidCount", new BsonInt64(1), event(40));
		store.apply(bid);

		assertThat(auction("a1")).as("the same account: its fields stay").doesNotContainKey(ReadModelStore.ORPHANED)
			.containsEntry("seller", "seller one").containsEntry("minBidIncrement", 10L)
			.containsEntry("autoExtend", true);
	}

	/**
	 * Ticket t1 read at slot 20 ({@code field} and {@code isConsumed} false), then found gone by a read at slot 30,
	 * at {@code finalized} or at {@code confirmed}.
	 */
	private void readTicketThenMissIt(String field, BsonValue value, boolean missedAtFinalized) {
		ReadModelChanges read = new ReadModelChanges();
		ChangeVersion readAt20 = ChangeVersion.endOfSlot(20, ReadModelStore.RECONCILE_SOURCE);
		read.set(Projections.REDEMPTION_TICKETS, "t1", field, value, readAt20);
		read.set(Projections.REDEMPTION_TICKETS, "t1", "isConsumed", BsonBoolean.FALSE, readAt20);
		store.reconcile(read, 20, true);
		store.markOrphanedAsOf(List.of(new ReadModelChanges.DocumentKey(Projections.REDEMPTION_TICKETS, "t1")),
				ReadModelStore.CLOSED, 30, missedAtFinalized);
	}

	/** An event of slot 40 setting t1's {@code isConsumed}: TicketGenerated (false) or TicketRedeemed (true). */
	private void ticketEvent(boolean consumed) {
		ReadModelChanges changes = new ReadModelChanges();
		changes.set(Projections.REDEMPTION_TICKETS, "t1", "isConsumed", BsonBoolean.valueOf(consumed), event(40));
		store.apply(changes);
	}

	private Document ticket() {
		return database.getCollection(Projections.REDEMPTION_TICKETS).find(new Document("_id", "t1")).first();
	}

	@Test
	void aTicketCreatedAgainAfterAReadFoundItsAccountGoneKeepsNothingOfTheClosedOne() {
		// cancel_redemption_ticket closes the ticket with no event (§8.3); a read at slot 30 found it gone
		readTicketThenMissIt("redemptionLocation",
				new Document("latitude", 52_520_000).append("longitude", 13_405_000).toBsonDocument(), true);

		ticketEvent(false);

		assertThat(ticket())
			.as("the nonce used again: the new ticket's location is its own account's, unknown until read")
			.containsEntry("isConsumed", false).doesNotContainKeys(ReadModelStore.ORPHANED, "redemptionLocation");
	}

	@Test
	void aClosureAppliedAfterTheAuctionWasCreatedAgainMarksNothing() {
		readAuction("a1", 20, "seller one", 10, true);
		ReadModelChanges creation = new ReadModelChanges();
		created(creation, "a1", 40, "seller two");
		store.apply(creation);
		// the crawler staged the cancellation late
		ReadModelChanges closure = new ReadModelChanges();
		cancelledBySeller(closure, "a1", 30);
		store.apply(closure);

		assertThat(auction("a1")).as("the account created again after it exists")
			.doesNotContainKeys(ReadModelStore.ORPHANED, ReadModelStore.ORPHAN_REASON)
			.containsEntry("seller", "seller two").containsEntry("cancelReason", null);
	}

	@Test
	void anEventTakingAwayTheMarkOfAReadAtConfirmedKeepsTheAccountsFields() {
		// a read at confirmed found no ticket (a cancellation a fork then dropped): the same ticket is redeemed after
		readTicketThenMissIt("nonce", new BsonInt64(7), false);

		ticketEvent(true);

		assertThat(ticket())
			.as("a mark a fork may drop proves no closure").containsEntry("isConsumed", true).containsEntry("nonce", 7L)
			.doesNotContainKey(ReadModelStore.ORPHANED);
	}
}

package io.couponsync.jobs.readmodel;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bson.BsonBinary;
import org.bson.BsonDocument;
import org.bson.BsonValue;

import io.couponsync.chain.idl.Idl;
import io.couponsync.chain.idl.IdlTypeDefinition;

/**
 * A user's {@code badgesEarned} (UserStats.badges_earned): auto_award_badge appends the badge's byte when it is absent
 * and fewer than 10 are held (program-semantics §6.2); mint_badge emits the same BadgeEarned and appends nothing, so
 * the instruction the logs name tells them apart. A chunk appends its awards, in chain order, to what the documents
 * hold (one read of them): applying it again changes nothing. An award older than the list's last change (a
 * transaction the crawler staged late) is put in its place, before the first held badge whose award the log has
 * later in the chain; badges an account read gave, whose awards the log lacks, stay where they are. The value is
 * written at the newest award's version, so an account read older than the award does not take it back. A
 * fork's awards go with the fork undo's re-read of the user's document, which the award's projection touches.
 */
public final class AwardedBadges {

	/** The instruction whose BadgeEarned appends, as the program logs its name. */
	static final String AWARDING_INSTRUCTION = "AutoAwardBadge";

	/** The other instruction that emits BadgeEarned, appending nothing. */
	static final String MINTING_INSTRUCTION = "MintBadge";

	static final String FIELD = "badgesEarned";

	/** The program's limit; with seven badge types, each held once, it is never reached, but it is the rule. */
	private static final int MAX_HELD = 10;

	private final PdaResolver pdas;

	private final Map<String, Integer> badgeBytes;

	public AwardedBadges(PdaResolver pdas, Idl idl) {
		this.pdas = pdas;
		this.badgeBytes = badgeBytes(idl);
	}

	/** BadgeType variant name → its byte: the badge PDA's last seed and what badges_earned holds. */
	static Map<String, Integer> badgeBytes(Idl idl) {
		Map<String, Integer> bytes = new HashMap<>();
		if (idl.type("BadgeType") != null && idl.type("BadgeType").body() instanceof IdlTypeDefinition.Enum badgeType) {
			for (int i = 0; i < badgeType.variants().size(); i++) {
				bytes.put(badgeType.variants().get(i).name(), i);
			}
		}
		return bytes;
	}

	static boolean isAward(ChainEvent event) {
		return event.name().equals("BadgeEarned") && AWARDING_INSTRUCTION.equals(event.instruction());
	}

	/**
	 * Gives the documents of these users (the chunk's, by address) that lack it the list a new UserStats starts with,
	 * empty (program-semantics §0), after the chunk's awards are in.
	 */
	public void showEmptyWhereAbsent(ReadModelStore store, Collection<String> users) {
		store.setWhereAbsent(Projections.USER_STATS, users.stream().map(user -> Projections.userStatsId(pdas, user))
			.toList(), FIELD, new BsonBinary(new byte[0]));
	}

	/** The chunk's awards appended to the badges the users' documents hold, or put in their place when late. */
	public ReadModelChanges merge(ReadModelStore store, ChainEventLog log, List<ChainEvent> events) {
		ReadModelChanges changes = new ReadModelChanges();
		Map<String, List<ChainEvent>> awardsByDocument = new LinkedHashMap<>();
		for (ChainEvent event : events) {
			if (isAward(event)) {
				awardsByDocument.computeIfAbsent(Projections.userStatsId(pdas, event.text("user")),
						id -> new ArrayList<>()).add(event);
			}
		}
		if (awardsByDocument.isEmpty()) {
			return changes;
		}
		Map<String, BsonDocument> stored = store.read(Projections.USER_STATS, awardsByDocument.keySet());
		awardsByDocument.forEach((id, awards) -> {
			BsonDocument document = stored.get(id);
			BsonValue held = document == null ? null : document.get(FIELD);
			ByteArrayOutputStream badges = new ByteArrayOutputStream();
			if (held != null && held.isBinary()) {
				badges.writeBytes(held.asBinary().getData());
			}
			ChangeVersion newest = null;
			ChangeVersion listVersion = storedVersion(document);
			// why: only for a late award, whose place among the held badges their awards' versions decide
			Map<Integer, ChangeVersion> awardedAt = listVersion != null && awards.stream().anyMatch(award ->
					award.version().compareTo(listVersion) < 0
							&& !contains(badges.toByteArray(), badgeBytes.getOrDefault(award.text("badgeType"), -1)))
					? awardedAt(log, awards.get(0).text("user")) : Map.of();
			for (ChainEvent award : awards) {
				// why: a type the IDL does not list failed the event's projection, in the chunk's trial
				Integer badge = badgeBytes.get(award.text("badgeType"));
				byte[] current = badges.toByteArray();
				if (badge != null && !contains(current, badge) && current.length < MAX_HELD) {
					badges.reset();
					badges.writeBytes(inChainOrder(current, badge, award.version(), awardedAt));
					newest = award.version();
				}
			}
			if (newest != null) {
				changes.set(Projections.USER_STATS, id, FIELD, new BsonBinary(badges.toByteArray()),
						newerOf(newest, listVersion));
			}
		});
		return changes;
	}

	/** When each badge was awarded, by the user's logged awards: the first award of each. */
	private Map<Integer, ChangeVersion> awardedAt(ChainEventLog log, String user) {
		Map<Integer, ChangeVersion> awardedAt = new HashMap<>();
		for (ChainEvent award : log.named("BadgeEarned", "user", user)) {
			Integer badge = badgeBytes.get(award.text("badgeType"));
			if (isAward(award) && badge != null) {
				awardedAt.putIfAbsent(badge, award.version());
			}
		}
		return awardedAt;
	}

	/**
	 * The held badges with this one put before the first whose award is later in the chain: last, unless the award
	 * is late. A held badge with no logged award (an account read's) is passed over.
	 */
	private static byte[] inChainOrder(byte[] held, int badge, ChangeVersion at, Map<Integer, ChangeVersion> awardedAt) {
		int position = held.length;
		for (int i = 0; i < held.length; i++) {
			ChangeVersion heldAt = awardedAt.get((int) held[i]);
			if (heldAt != null && heldAt.compareTo(at) > 0) {
				position = i;
				break;
			}
		}
		byte[] placed = new byte[held.length + 1];
		System.arraycopy(held, 0, placed, 0, position);
		placed[position] = (byte) badge;
		System.arraycopy(held, position, placed, position + 1, held.length - position);
		return placed;
	}

	private static boolean contains(byte[] badges, int badge) {
		for (byte held : badges) {
			if (held == badge) {
				return true;
			}
		}
		return false;
	}

	private static ChangeVersion storedVersion(BsonDocument document) {
		BsonValue version = document == null ? null
				: document.getDocument(ReadModelStore.VERSIONS, new BsonDocument()).get(FIELD);
		return version != null && version.isString() ? ChangeVersion.parse(version.asString().getValue()) : null;
	}

	/**
	 * why: an award applied late (a crawl's older transaction) is still appended, though what the document holds was
	 * written at a newer version the store's guard would keep
	 */
	private static ChangeVersion newerOf(ChangeVersion award, ChangeVersion stored) {
		return stored == null || award.compareTo(stored) >= 0 ? award : stored;
	}
}

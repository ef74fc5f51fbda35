package io.couponsync.jobs.readmodel;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.bson.BsonString;

import io.couponsync.chain.ProgramDerivedAddress;
import io.couponsync.chain.idl.Idl;

/** Ratings, comments and likes, badges. */
final class CommunityProjections {

	private static final byte[] BADGE_SEED = "badge".getBytes(StandardCharsets.UTF_8);

	/** What mint_badge writes into a badge's metadata_uri (program-semantics §6.1). */
	static final String MINTED_BADGE_URI = "https://example.com/badge.json";

	/** auto_award_badge's metadata_uri, before the badge byte and {@code .json} (§6.2). */
	static final String AWARDED_BADGE_URI_PREFIX = "https://api.dealdiscovery.com/badges/";

	/** The Metaplex token metadata program, which auto_award_badge's account list fixes. */
	static final String TOKEN_METADATA_PROGRAM = "metaqbxxUerdq28cj1RbAWkYQm3ybzjb6a8bt518x1s";

	/** BadgeType variant name → its byte, the badge PDA's last seed. */
	private final Map<String, Integer> badgeTypes;

	CommunityProjections(Idl idl) {
		this.badgeTypes = AwardedBadges.badgeBytes(idl);
	}

	void register(Map<String, EventProjection> projections, List<EventReference> references) {
		references.add(EventReference.optional("PromotionRated", "merchant", "promotion", "PromotionCreated",
				"merchant"));
		projections.put("PromotionRated", (event, context) -> {
			String user = event.text("user");
			String rating = context.pdas().derive("rating",
					Map.of("user", PdaResolver.key(user), "promotion", PdaResolver.key(event.text("promotion"))));
			context.copy(Projections.RATINGS, rating, "user", "promotion", "stars");
			if (event.ref("merchant") != null) {
				context.set(Projections.RATINGS, rating, "merchant", event.ref("merchant"));
			}
			// why: a new rating's creation and update time are now; a change of stars keeps its creation time
			if (!event.data().getBoolean("isUpdate").getValue()) {
				Projections.setNow(context, Projections.RATINGS, rating, "createdAt", event);
			}
			Projections.setNow(context, Projections.RATINGS, rating, "updatedAt", event);
			Projections.userStats(context, user, event);
		});
		projections.put("CommentAdded", (event, context) -> {
			String comment = event.text("comment");
			context.copy(Projections.COMMENTS, comment, "user", "promotion", "content", "isReply");
			if (!event.data().getBoolean("isReply").getValue()) {
				// why: not a reply means parent_comment is None, and nothing ever changes it; a reply's parent
				// key is not in the event
				context.set(Projections.COMMENTS, comment, "parentComment", Projections.NULL);
			}
			Projections.setNow(context, Projections.COMMENTS, comment, "createdAt", event);
			context.touch("comments.likes", comment);
			Projections.userStats(context, event.text("user"), event);
		});
		projections.put("CommentLiked", (event, context) -> {
			String comment = event.text("comment");
			String like = context.pdas().derive("comment_like",
					Map.of("user", PdaResolver.key(event.text("user")), "comment", PdaResolver.key(comment)));
			context.copy(Projections.COMMENT_LIKES, like, "user", "comment");
			Projections.setNow(context, Projections.COMMENT_LIKES, like, "createdAt", event);
			context.touch("comments.likes", comment);
		});
		// why: mint_badge and auto_award_badge emit the same event; only the latter changes UserStats, told by the
		// instruction the logs name: its reputation is counted (Projections), its badge appended (AwardedBadges)
		projections.put("BadgeEarned", (event, context) -> {
			String badgeType = event.text("badgeType");
			Integer typeByte = badgeTypes.get(badgeType);
			if (typeByte == null) {
				throw new IllegalArgumentException("BadgeEarned has a badge type the IDL does not list: " + badgeType);
			}
			String badge = context.pdas().deriveFromSeeds(BADGE_SEED, PdaResolver.key(event.text("user")),
					new byte[] { typeByte.byteValue() });
			context.copy(Projections.BADGES, badge, "user", "badgeType", "mint");
			// why: both instructions set earned_at to now, so which one emitted the event does not matter here
			Projections.setNow(context, Projections.BADGES, badge, "earnedAt", event);
			setBadgeMetadata(context, badge, typeByte, event);
			if (AwardedBadges.isAward(event)) {
				// why: auto_award_badge requires the user's stats; writing them makes the document one the award
				// touched, which a fork undo re-reads — taking out the badge AwardedBadges appended
				context.set(Projections.USER_STATS, Projections.userStatsId(context.pdas(), event.text("user")), "user",
						event.data().get("user"));
			}
		});
	}

	/**
	 * The badge's metadata_uri, which depends on the instruction the logs name; and for auto_award_badge its
	 * metadata account, the Metaplex PDA of the mint: that instruction fixes the metadata program, which accepts no
	 * other address. mint_badge takes whatever metadata program it is given, so its metadata is left to account
	 * reads, as is all of it where the logs name no instruction.
	 */
	private static void setBadgeMetadata(ProjectionContext context, String badge, int typeByte, ChainEvent event) {
		if (AwardedBadges.isAward(event)) {
			context.set(Projections.BADGES, badge, "metadataUri",
					new BsonString(AWARDED_BADGE_URI_PREFIX + typeByte + ".json"));
			context.set(Projections.BADGES, badge, "metadata", new BsonString(ProgramDerivedAddress.find(
					TOKEN_METADATA_PROGRAM, "metadata".getBytes(StandardCharsets.UTF_8),
					PdaResolver.key(TOKEN_METADATA_PROGRAM), PdaResolver.key(event.text("mint")))));
		}
		else if (AwardedBadges.MINTING_INSTRUCTION.equals(event.instruction())) {
			context.set(Projections.BADGES, badge, "metadataUri", new BsonString(MINTED_BADGE_URI));
		}
	}
}

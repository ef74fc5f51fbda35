package io.couponsync.simulator.marketplace;

import static io.couponsync.simulator.marketplace.Values.fields;
import static io.couponsync.simulator.marketplace.Values.key;
import static io.couponsync.simulator.marketplace.Values.number;
import static io.couponsync.simulator.marketplace.Values.require;
import static io.couponsync.simulator.marketplace.Values.utf8Length;

import java.util.Map;

import io.couponsync.simulator.ledger.LedgerTransaction;
import io.couponsync.simulator.marketplace.Invocation.Shape;

/** Ratings, comments and likes: document §4. The program never emits MerchantRated. */
final class Community {

	private final ProgramRuntime program;

	private final UserStatsBook userStats;

	Community(ProgramRuntime program, UserStatsBook userStats) {
		this.program = program;
		this.userStats = userStats;
	}

	/** §4.1: one rating per user and promotion, which later calls update. */
	LedgerTransaction ratePromotion(String user, String promotion, int stars, Shape shape) {
		Invocation in = program.begin("rate_promotion", user, fields("stars", stars));
		String rating = program.pdas().rating(user, promotion);
		in.account("rating", rating);
		in.account("promotion", promotion);
		in.account("user_stats", program.pdas().userStats(user));
		in.account("user", user);
		Map<String, Object> promo = program.load(in, promotion, "Promotion");
		require(stars >= 1 && stars <= 5, "InvalidDiscount", stars + " stars");
		Map<String, Object> existing = in.load(rating);
		boolean update = existing != null && !Values.DEFAULT_KEY.equals(key(existing.get("user")));
		UserStatsBook.Stats stats = userStats.initIfNeeded(in, user);
		long now = program.now();
		if (update) {
			existing.put("stars", stars);
			existing.put("updated_at", now);
			in.save(rating, "Rating", existing);
			stats.touchActivity().save();
		}
		else {
			in.invoke(Pdas.SYSTEM_PROGRAM);
			in.save(rating, "Rating", fields("user", user, "promotion", promotion, "merchant", promo.get("merchant"),
					"stars", stars, "created_at", now, "updated_at", now));
			stats.increment("total_ratings_given").reputation(2).touchActivity().save();
		}
		in.emit("PromotionRated", fields("user", user, "promotion", promotion, "stars", stars, "is_update", update));
		return program.submit(in, shape, 19_000);
	}

	/**
	 * §4.2: one comment per user and promotion, replies included; the parent is stored as given, unchecked. A
	 * merchant reply is a comment by the promotion's merchant's authority that passes that merchant.
	 */
	LedgerTransaction addComment(String user, String promotion, String merchant, String content,
			String parentComment, Shape shape) {
		Invocation in = program.begin("add_comment", user, fields("content", content, "parent_comment", parentComment));
		String comment = program.pdas().comment(user, promotion);
		in.account("comment", comment);
		in.account("promotion", promotion);
		in.account("merchant", merchant);
		in.account("user_stats", program.pdas().userStats(user));
		in.account("user", user);
		Map<String, Object> promo = program.load(in, promotion, "Promotion");
		Map<String, Object> merchantState = program.load(in, merchant, "Merchant");
		require(utf8Length(content) <= 500, "DescriptionTooLong", "content has " + utf8Length(content) + " bytes");
		require(!content.isEmpty(), "NameTooLong", "content is empty");
		require(!in.occupied(comment), "AccountAlreadyInUse", "comment " + comment + " exists");
		boolean merchantReply = key(promo.get("merchant")).equals(merchant)
				&& key(merchantState.get("authority")).equals(user);
		UserStatsBook.Stats stats = userStats.initIfNeeded(in, user);
		in.invoke(Pdas.SYSTEM_PROGRAM);
		in.save(comment, "Comment", fields("user", user, "promotion", promotion, "content", content, "created_at",
				program.now(), "likes", 0L, "is_merchant_reply", merchantReply, "parent_comment", parentComment));
		stats.increment("total_comments").reputation(1).touchActivity().save();
		in.emit("CommentAdded", fields("comment", comment, "user", user, "promotion", promotion, "content", content,
				"is_reply", parentComment != null));
		return program.submit(in, shape, 21_000);
	}

	/** §4.3: one like per user and comment, never undone. */
	LedgerTransaction likeComment(String user, String comment, Shape shape) {
		Invocation in = program.begin("like_comment", user, Map.of());
		String like = program.pdas().commentLike(user, comment);
		in.account("comment_like", like);
		in.account("comment", comment);
		in.account("user", user);
		Map<String, Object> state = program.load(in, comment, "Comment");
		require(!in.occupied(like), "AccountAlreadyInUse", user + " already liked " + comment);
		in.invoke(Pdas.SYSTEM_PROGRAM);
		in.save(like, "CommentLike", fields("user", user, "comment", comment, "created_at", program.now()));
		state.put("likes", Values.addU32(number(state.get("likes")), 1));
		in.save(comment, "Comment", state);
		in.emit("CommentLiked", fields("comment", comment, "user", user));
		return program.submit(in, shape, 14_000);
	}
}

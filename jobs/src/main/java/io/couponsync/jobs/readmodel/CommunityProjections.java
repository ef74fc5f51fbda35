package io.couponsync.jobs.readmodel;

import java.util.Map;

/** Ratings, comments and likes, badges. */
final class CommunityProjections {

	void register(Map<String, EventProjection> projections) {
		projections.put("PromotionRated", (event, context) -> {
			String user = event.text("user");
			String rating = context.pdas().derive("rating",
					Map.of("user", PdaResolver.key(user), "promotion", PdaResolver.key(event.text("promotion"))));
			context.copy(Projections.RATINGS, rating, "user", "promotion", "stars");
			Projections.userStats(context, user);
			context.touch("userStats.totalRatingsGiven", user);
		});
		projections.put("CommentAdded", (event, context) -> {
			String comment = event.text("comment");
			context.copy(Projections.COMMENTS, comment, "user", "promotion", "content", "isReply");
			context.touch("comments.likes", comment);
			Projections.userStats(context, event.text("user"));
			context.touch("userStats.totalComments", event.text("user"));
		});
		projections.put("CommentLiked", (event, context) -> {
			String comment = event.text("comment");
			String like = context.pdas().derive("comment_like",
					Map.of("user", PdaResolver.key(event.text("user")), "comment", PdaResolver.key(comment)));
			context.copy(Projections.COMMENT_LIKES, like, "user", "comment");
			context.touch("comments.likes", comment);
		});
		projections.put("BadgeEarned", (event, context) -> context.copy(Projections.BADGES, event.text("mint"),
				"user", "badgeType", "mint"));
	}
}

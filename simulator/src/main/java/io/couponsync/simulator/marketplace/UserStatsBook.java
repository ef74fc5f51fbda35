package io.couponsync.simulator.marketplace;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Map;

import io.couponsync.chain.value.EnumValue;

/**
 * UserStats as document §0 has it: the nine {@code init_if_needed} instructions create it with the defaults, three
 * instructions need it to exist, and every reputation change recomputes the tier from the score.
 */
final class UserStatsBook {

	private static final String TYPE = "UserStats";

	private final ProgramRuntime program;

	UserStatsBook(ProgramRuntime program) {
		this.program = program;
	}

	/** One user's stats inside an instruction: change them, then {@link #save}. */
	final class Stats {

		private final Invocation in;

		private final String address;

		private final Map<String, Object> fields;

		private Stats(Invocation in, String address, Map<String, Object> fields) {
			this.in = in;
			this.address = address;
			this.fields = fields;
		}

		Stats increment(String counter) {
			fields.put(counter, Values.addU32(Values.number(fields.get(counter)), 1));
			return this;
		}

		/** rep +N (saturating at u64 max), then the tier of the new score. */
		Stats reputation(long points) {
			Object score = Values.saturatingAddU64(fields.get("reputation_score"), points);
			fields.put("reputation_score", score);
			fields.put("tier", tier(score));
			return this;
		}

		Stats touchActivity() {
			fields.put("last_activity", program.now());
			return this;
		}

		byte[] badges() {
			return (byte[]) fields.get("badges_earned");
		}

		Stats badges(byte[] badges) {
			fields.put("badges_earned", badges);
			return this;
		}

		long counter(String name) {
			return Values.number(fields.get(name));
		}

		void save() {
			in.save(address, TYPE, fields);
		}
	}

	/**
	 * The stats of an {@code init_if_needed} instruction: a stored user that is the default key (or no account)
	 * means the account is new, and the handler sets the defaults before the instruction's own change.
	 */
	Stats initIfNeeded(Invocation in, String user) {
		String address = program.pdas().userStats(user);
		Map<String, Object> fields = in.load(address);
		if (fields == null || Values.DEFAULT_KEY.equals(Values.key(fields.get("user")))) {
			in.invoke(Pdas.SYSTEM_PROGRAM);
			long now = program.now();
			fields = Values.fields("user", user, "total_purchases", 0L, "total_redemptions", 0L,
					"total_ratings_given", 0L, "total_comments", 0L, "total_listings", 0L, "reputation_score", 0L,
					"tier", tier(0L), "badges_earned", new byte[0], "joined_at", now, "last_activity", now);
		}
		return new Stats(in, address, fields);
	}

	/** The stats of an instruction that needs them to exist already; it fails when they do not. */
	Stats existing(Invocation in, String user) {
		String address = program.pdas().userStats(user);
		return new Stats(in, address, program.load(in, address, "UserStats of " + user));
	}

	/** §0: Bronze 0–99, Silver 100–499, Gold 500–1999, Platinum 2000–9999, Diamond from 10000. */
	static EnumValue tier(Object score) {
		BigInteger value = new BigInteger(score.toString());
		String tier = value.compareTo(BigInteger.valueOf(100)) < 0 ? "Bronze"
				: value.compareTo(BigInteger.valueOf(500)) < 0 ? "Silver"
						: value.compareTo(BigInteger.valueOf(2000)) < 0 ? "Gold"
								: value.compareTo(BigInteger.valueOf(10_000)) < 0 ? "Platinum" : "Diamond";
		return new EnumValue(tier, Map.of());
	}

	static boolean holds(byte[] badges, int badge) {
		for (byte held : badges) {
			if (held == badge) {
				return true;
			}
		}
		return false;
	}

	static byte[] append(byte[] badges, int badge) {
		byte[] more = Arrays.copyOf(badges, badges.length + 1);
		more[badges.length] = (byte) badge;
		return more;
	}
}

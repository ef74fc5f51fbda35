package io.couponsync.jobs.readmodel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.couponsync.chain.Base58;
import io.couponsync.chain.ProgramDerivedAddress;
import io.couponsync.chain.idl.Idl;
import io.couponsync.chain.idl.IdlInstruction;
import io.couponsync.chain.idl.IdlPdaSeed;

/**
 * Derives an account's address from the PDA seeds the IDL lists for it, so that an event which does not carry
 * its account's address (a rating, a like, a participant, user stats) meets the on-chain account on one key.
 */
public final class PdaResolver {

	/** Seeds in the cache's keys: hexadecimal, which is linear where base 58 is quadratic in the length. */
	private static final HexFormat HEX = HexFormat.of();

	private final byte[] programId;

	private final Map<String, List<IdlPdaSeed>> seedsByAccount = new HashMap<>();

	/** Addresses most recently derived: a derivation tries bumps with big-integer arithmetic, a lookup is a hash. */
	private final Map<String, String> cache;

	public PdaResolver(Idl idl, String programId) {
		this(idl, programId, 65_536);
	}

	/** With a cache of at most {@code cacheSize} addresses (a process lives long; the program's accounts grow). */
	PdaResolver(Idl idl, String programId, int cacheSize) {
		this.cache = Collections.synchronizedMap(new LinkedHashMap<>(1024, 0.75f, true) {

			@Override
			protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
				return size() > cacheSize;
			}
		});
		this.programId = Base58.decode(programId);
		for (IdlInstruction instruction : idl.instructions()) {
			for (IdlInstruction.Account account : instruction.accounts()) {
				if (!account.seeds().isEmpty()) {
					seedsByAccount.putIfAbsent(account.name(), account.seeds());
				}
			}
		}
	}

	/**
	 * The address of the named instruction account (e.g. {@code user_stats}), given the bytes of each seed that is
	 * not a constant, by its IDL path (e.g. {@code user}, {@code auction.bid_count}).
	 */
	public String derive(String accountName, Map<String, byte[]> values) {
		List<IdlPdaSeed> seeds = seedsByAccount.get(accountName);
		if (seeds == null) {
			throw new IllegalArgumentException("the IDL lists no PDA seeds for an account named " + accountName);
		}
		List<byte[]> parts = new ArrayList<>(seeds.size());
		StringBuilder cacheKey = new StringBuilder(accountName);
		for (IdlPdaSeed seed : seeds) {
			byte[] part = seed.kind() == IdlPdaSeed.Kind.CONST ? seed.constant() : values.get(seed.path());
			if (part == null) {
				throw new IllegalArgumentException(accountName + " needs seed '" + seed.path() + "'");
			}
			parts.add(part);
			cacheKey.append('/').append(HEX.formatHex(part));
		}
		return cache.computeIfAbsent(cacheKey.toString(), key -> ProgramDerivedAddress.find(parts, programId).base58());
	}

	/** The address of a PDA whose seeds the IDL does not list (the program's documentation gives them). */
	public String deriveFromSeeds(byte[]... seeds) {
		StringBuilder cacheKey = new StringBuilder("unlisted");
		for (byte[] seed : seeds) {
			cacheKey.append('/').append(HEX.formatHex(seed));
		}
		return cache.computeIfAbsent(cacheKey.toString(),
				key -> ProgramDerivedAddress.find(List.of(seeds), programId).base58());
	}

	/** How many addresses the cache holds. */
	int cached() {
		return cache.size();
	}

	public static byte[] key(String base58) {
		return Base58.decode(base58);
	}

	public static byte[] u32(long value) {
		return new byte[] { (byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24) };
	}
}

package io.couponsync.simulator.marketplace;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import io.couponsync.chain.Base58;

/**
 * The SPL Token accounts the program's instructions touch, kept on the ledger in the Token program's layouts
 * (mint: 82 bytes, token account: 165 bytes), so that a fork rolls them back with everything else. They matter
 * because ownership changes do not move tokens (§13 fact 11): redeem_coupon, verify_and_redeem_ticket and
 * stake_coupon succeed only for a user whose token account holds a token of the mint they pass.
 */
final class TokenAccounts {

	private static final int MINT_SIZE = 82;

	private static final int ACCOUNT_SIZE = 165;

	private static final int AMOUNT_OFFSET = 64;

	private static final int STATE_OFFSET = 108;

	private final Pdas pdas;

	TokenAccounts(Pdas pdas) {
		this.pdas = pdas;
	}

	/** A token account's mint, holder and balance. */
	record Holding(String mint, String owner, long amount) {
	}

	/** A new mint of one-of-a-kind tokens (decimals 0); Anchor's {@code init} fails if the address is in use. */
	void createMint(Invocation in, String mint, String authority) {
		Values.require(!in.occupied(mint), "AccountAlreadyInUse", "mint " + mint + " exists");
		ByteBuffer data = buffer(MINT_SIZE);
		data.putInt(1).put(Base58.decode(authority));
		data.putLong(0).put((byte) 0).put((byte) 1);
		data.putInt(1).put(Base58.decode(authority));
		in.saveRaw(mint, Pdas.TOKEN_PROGRAM, data.array());
	}

	/** Mints one token to the owner's associated token account, creating it when needed. */
	void mintOne(Invocation in, String mint, String owner) {
		String account = pdas.associatedTokenAccount(owner, mint);
		Holding holding = holding(in, account);
		write(in, account, mint, owner, (holding == null ? 0 : holding.amount()) + 1);
		byte[] mintData = in.loadRaw(mint);
		if (mintData != null && mintData.length == MINT_SIZE) {
			ByteBuffer supply = ByteBuffer.wrap(mintData.clone()).order(ByteOrder.LITTLE_ENDIAN);
			supply.putLong(36, supply.getLong(36) + 1);
			in.saveRaw(mint, Pdas.TOKEN_PROGRAM, supply.array());
		}
	}

	/** The token account's contents, or null when no token account is there. */
	Holding holding(Invocation in, String account) {
		byte[] data = in.loadRaw(account);
		if (data == null || data.length != ACCOUNT_SIZE) {
			return null;
		}
		ByteBuffer buffer = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
		byte[] mint = new byte[32];
		byte[] owner = new byte[32];
		buffer.get(mint).get(owner);
		return new Holding(Base58.encode(mint), Base58.encode(owner), buffer.getLong(AMOUNT_OFFSET));
	}

	/** The Anchor constraints on a token account: it exists and is of the mint, for the owner. */
	Holding requireAccount(Invocation in, String account, String mint, String owner) {
		Holding holding = holding(in, account);
		Values.require(holding != null, "AccountNotInitialized", "token account " + account + " does not exist");
		Values.require(holding.mint().equals(mint), "ConstraintTokenMint", "token account holds another mint");
		Values.require(holding.owner().equals(owner), "ConstraintTokenOwner", "token account has another owner");
		return holding;
	}

	/** The balance in a token account's data. */
	static long amount(byte[] data) {
		return data.length == ACCOUNT_SIZE ? ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).getLong(AMOUNT_OFFSET)
				: 0;
	}

	/** The Token program fails a burn or transfer from an account that holds no token. */
	void burnOne(Invocation in, String account, Holding holding) {
		requireToken(holding);
		write(in, account, holding.mint(), holding.owner(), holding.amount() - 1);
	}

	/** Moves one token to another token account of the same mint, which is created when absent. */
	void transferOne(Invocation in, String from, Holding holding, String to, String toOwner) {
		requireToken(holding);
		Holding target = holding(in, to);
		write(in, from, holding.mint(), holding.owner(), holding.amount() - 1);
		write(in, to, holding.mint(), toOwner, (target == null ? 0 : target.amount()) + 1);
	}

	private static void requireToken(Holding holding) {
		Values.require(holding.amount() >= 1, "InsufficientFunds", "no token of " + holding.mint() + " to move");
	}

	void close(Invocation in, String account) {
		in.close(account);
	}

	private void write(Invocation in, String account, String mint, String owner, long amount) {
		ByteBuffer data = buffer(ACCOUNT_SIZE);
		data.put(Base58.decode(mint)).put(Base58.decode(owner)).putLong(amount);
		data.put(STATE_OFFSET, (byte) 1);
		in.saveRaw(account, Pdas.TOKEN_PROGRAM, data.array());
	}

	private static ByteBuffer buffer(int size) {
		return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
	}
}

package io.couponsync.jobs.accountstate;

import org.bson.BsonDocument;

import io.couponsync.chain.ProgramDecoder;
import io.couponsync.chain.borsh.BorshInput;
import io.couponsync.chain.borsh.DecodeError;
import io.couponsync.chain.borsh.DecodeException;
import io.couponsync.chain.rpc.AccountRead;
import io.couponsync.chain.value.BsonValueWriter;

/**
 * An account read from the chain, decoded with the IDL into the read model's value mapping (the same
 * {@link BsonValueWriter} events are written with). Thread-safe: every call brings its own buffers.
 */
public final class AccountDecoding {

	/** An account's type and fields; null type when the program does not own it or the IDL does not know it. */
	public record DecodedAccount(String type, BsonDocument fields) {
	}

	private final ProgramDecoder decoder;

	private final String programId;

	public AccountDecoding(ProgramDecoder decoder, String programId) {
		this.decoder = decoder;
		this.programId = programId;
	}

	/** Whether the read found an account the program owns. */
	public boolean ownedByProgram(AccountRead read) {
		return read.exists() && programId.equals(read.account().owner());
	}

	/** The account decoded, or null when it is not one of the program's accounts of a type the IDL knows. */
	public DecodedAccount decode(AccountRead read) {
		if (!read.exists() || !programId.equals(read.account().owner())) {
			return null;
		}
		byte[] data = read.account().data();
		BsonValueWriter bson = new BsonValueWriter();
		BsonDocument fields = bson.start();
		try {
			String type = decoder.decodeAccount(new BorshInput().reset(data, 0, data.length), bson).name();
			return new DecodedAccount(type, fields);
		}
		catch (DecodeException ex) {
			if (ex.error() == DecodeError.UNKNOWN_DISCRIMINATOR) {
				return null;
			}
			// why: an account of the program that the IDL cannot decode is an IDL problem an operator must see
			throw new UndecodableAccountException("account does not decode with the IDL: " + ex.getMessage(), ex);
		}
	}

	/** An account of the program whose data the IDL cannot decode (an older layout, a newer type, truncated data). */
	public static final class UndecodableAccountException extends RuntimeException {

		UndecodableAccountException(String message, Throwable cause) {
			super(message, cause);
		}
	}
}

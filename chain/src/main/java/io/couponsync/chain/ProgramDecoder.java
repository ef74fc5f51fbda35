package io.couponsync.chain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.couponsync.chain.borsh.BorshInput;
import io.couponsync.chain.borsh.Codec;
import io.couponsync.chain.borsh.CodecCompiler;
import io.couponsync.chain.borsh.DecodeError;
import io.couponsync.chain.borsh.DecodeException;
import io.couponsync.chain.idl.Discriminator;
import io.couponsync.chain.idl.Idl;
import io.couponsync.chain.idl.IdlAccount;
import io.couponsync.chain.idl.IdlEvent;
import io.couponsync.chain.value.ValueSink;

/**
 * A program's events and accounts, compiled from its IDL: discriminator → type → fields. Immutable and shared by
 * threads; each thread brings its own {@link BorshInput}.
 */
public final class ProgramDecoder {

	/** A decodable event or account type. */
	public record DecodableType(String name, Discriminator discriminator, Codec codec) {
	}

	private final Idl idl;

	private final Catalog events;

	private final Catalog accounts;

	private ProgramDecoder(Idl idl, Catalog events, Catalog accounts) {
		this.idl = idl;
		this.events = events;
		this.accounts = accounts;
	}

	public static ProgramDecoder compile(Idl idl) {
		return compile(List.of(idl));
	}

	/**
	 * Compiles several IDLs of one program (e.g. versions before and after an upgrade) into one decoder; where two
	 * know the same discriminator, the one listed first decodes it.
	 */
	public static ProgramDecoder compile(List<Idl> idls) {
		if (idls.isEmpty()) {
			throw new IllegalArgumentException("at least one IDL is needed");
		}
		Map<Long, DecodableType> events = new LinkedHashMap<>();
		Map<Long, DecodableType> accounts = new LinkedHashMap<>();
		for (Idl idl : idls) {
			CodecCompiler compiler = new CodecCompiler(idl);
			for (IdlEvent event : idl.events()) {
				events.computeIfAbsent(event.discriminator().value(),
						key -> new DecodableType(event.name(), event.discriminator(), compiler.compile(event.type())));
			}
			for (IdlAccount account : idl.accounts()) {
				accounts.computeIfAbsent(account.discriminator().value(), key -> new DecodableType(account.name(),
						account.discriminator(), compiler.compile(account.type())));
			}
		}
		return new ProgramDecoder(idls.get(0), new Catalog(new ArrayList<>(events.values())),
				new Catalog(new ArrayList<>(accounts.values())));
	}

	/** The first (primary) IDL. */
	public Idl idl() {
		return idl;
	}

	public List<DecodableType> events() {
		return List.of(events.types);
	}

	public List<DecodableType> accounts() {
		return List.of(accounts.types);
	}

	/** The event whose discriminator is the 8 bytes at offset, or null. */
	public DecodableType event(byte[] data, int offset) {
		return events.find(Discriminator.readLong(data, offset));
	}

	/**
	 * Decodes discriminator + Borsh body of an event; trailing bytes after the body are tolerated.
	 * @return the event's type
	 */
	public DecodableType decodeEvent(BorshInput in, ValueSink sink) throws DecodeException {
		return decode(events, "event", in, sink);
	}

	/** Decodes an account's data: discriminator, then its fields; accounts are often allocated larger than their data. */
	public DecodableType decodeAccount(BorshInput in, ValueSink sink) throws DecodeException {
		return decode(accounts, "account", in, sink);
	}

	private static DecodableType decode(Catalog catalog, String kind, BorshInput in, ValueSink sink)
			throws DecodeException {
		int at = in.take(Discriminator.LENGTH, kind + " discriminator");
		long discriminator = Discriminator.readLong(in.buffer(), at);
		DecodableType type = catalog.find(discriminator);
		if (type == null) {
			throw new DecodeException(DecodeError.UNKNOWN_DISCRIMINATOR, 0,
					"no " + kind + " has discriminator " + new Discriminator(discriminator));
		}
		try {
			type.codec().decode(in, sink);
		}
		catch (DecodeException ex) {
			throw ex.within(type.name());
		}
		return type;
	}

	/** Discriminators sorted for a binary search that allocates nothing. */
	private static final class Catalog {

		private final long[] keys;

		private final DecodableType[] types;

		Catalog(List<DecodableType> entries) {
			DecodableType[] sorted = entries.toArray(DecodableType[]::new);
			Arrays.sort(sorted, Comparator.comparingLong(type -> type.discriminator().value()));
			this.types = sorted;
			this.keys = new long[sorted.length];
			for (int i = 0; i < sorted.length; i++) {
				keys[i] = sorted[i].discriminator().value();
			}
		}

		DecodableType find(long discriminator) {
			int index = Arrays.binarySearch(keys, discriminator);
			return index >= 0 ? types[index] : null;
		}
	}
}

package io.couponsync.chain;

import java.io.InputStream;
import java.nio.file.Path;

import io.couponsync.chain.idl.Idl;
import io.couponsync.chain.idl.IdlLoader;

/** Loads the test IDLs under src/test/resources/idl and the project's own IDL under config/idl. */
public final class Fixtures {

	private Fixtures() {
	}

	public static Idl idl(String name) {
		try (InputStream in = Fixtures.class.getResourceAsStream("/idl/" + name)) {
			return IdlLoader.load(in, name);
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The project's description of the coupon marketplace program, as shipped in config/idl/. */
	public static Idl discountPlatform() {
		return IdlLoader.load(Path.of("..", "config", "idl", "discount_platform.json"));
	}
}

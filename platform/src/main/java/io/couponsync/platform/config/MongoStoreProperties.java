package io.couponsync.platform.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The MongoDB that holds staging and the read model.
 *
 * @param uri a MongoDB connection string, from {@code MONGODB_URI}; blank starts the embedded server instead
 * @param database the database used when the connection string names none
 * @param embedded the embedded MongoDB-wire server used when no connection string is given
 */
@Validated
@ConfigurationProperties("sync.mongodb")
public record MongoStoreProperties(String uri, @NotBlank @DefaultValue("coupon_sync") String database,
		@Valid @NotNull @DefaultValue Embedded embedded) {

	public boolean useEmbedded() {
		return uri == null || uri.isBlank();
	}

	/**
	 * @param host the loopback address it binds: the server asks no credentials, so a public interface would hand
	 * the data to anyone who reaches it
	 * @param port its port; 0 picks a free one
	 * @param file its H2 data file, so data survives a restart; blank keeps data in memory only
	 * @param reuseRunning when a MongoDB server already answers on {@code host:port} (the application running in
	 * another process), use it instead of starting one; the one-shot commands set it, the application does not
	 * @param fileCache how much of the data file H2 keeps in memory, decoded: a page read from the file again is
	 * deserialized again, which at the 16 MB H2 keeps by default was most of the server's time under the apply job
	 */
	public record Embedded(@NotBlank @DefaultValue("127.0.0.1") String host,
			@Min(0) @Max(65535) @DefaultValue("27117") int port, String file,
			@DefaultValue("false") boolean reuseRunning,
			@NotNull @DataSizeRange(min = "1MB", max = "64GB") @DefaultValue("128MB") DataSize fileCache) {

		@AssertTrue(message = "host must be a loopback address (127.0.0.1, ::1, localhost): the embedded server asks "
				+ "no credentials")
		public boolean isHostLoopback() {
			if (host == null || host.isBlank()) {
				return true;
			}
			try {
				// why: a literal address or localhost is answered without a lookup; another name is looked up once
				return InetAddress.getByName(host).isLoopbackAddress();
			}
			catch (UnknownHostException ex) {
				return false;
			}
		}

		/** The data file, or null to keep data in memory. */
		public Path dataFile() {
			return file == null || file.isBlank() ? null : Path.of(file);
		}
	}
}

package io.couponsync.platform.config;

import java.nio.file.Path;
import java.util.List;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The Anchor program this platform indexes.
 *
 * @param id the program id (base58), from {@code PROGRAM_ID}
 * @param idl the program's IDL files (Anchor 0.30+ or legacy), from {@code IDL_PATH}; when several know the same
 * discriminator the first one listed decodes it, so list the newest program version first
 */
@Validated
@ConfigurationProperties("sync.program")
public record ProgramProperties(@NotBlank @Base58PublicKey String id, @NotEmpty List<@NotBlank String> idl) {

	/** The IDL files as filesystem paths, relative ones against the working directory. */
	public List<Path> idlFiles() {
		// why: bound as text, since Spring's String-to-Path conversion resolves through the servlet context
		return idl.stream().map(Path::of).toList();
	}
}

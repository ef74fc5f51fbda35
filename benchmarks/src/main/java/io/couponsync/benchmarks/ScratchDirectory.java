package io.couponsync.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A temporary directory for a benchmark's files, deleted with everything in it when closed: a 100k run on the H2
 * backend leaves some 3.5 GB behind otherwise.
 */
final class ScratchDirectory implements AutoCloseable {

	private final Path path;

	ScratchDirectory(String prefix) throws IOException {
		this.path = Files.createTempDirectory(prefix);
	}

	Path path() {
		return path;
	}

	@Override
	public void close() {
		try (Stream<Path> files = Files.walk(path)) {
			for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(file);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not delete the benchmark's files in " + path, ex);
		}
	}
}

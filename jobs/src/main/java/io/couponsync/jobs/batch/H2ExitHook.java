package io.couponsync.jobs.batch;

import java.lang.reflect.Field;
import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leaves closing an H2 job repository to the application. why: H2 closes every file database it opened in a JVM
 * shutdown hook of its own, which runs beside Spring's: at SIGTERM it closed the job repository while the graceful
 * stop was still recording the running executions as stopped and releasing their leases (their next run then waited
 * out the lease). H2 refuses {@code DB_CLOSE_ON_EXIT=FALSE} with {@code AUTO_SERVER=TRUE}, which the default URL needs
 * (a command opens the file while the application holds it), so the hook is taken out once the database is open.
 * <p>
 * The database then closes when the pool closes its last connection, after the graceful stop, unless a command
 * still holds it over {@code AUTO_SERVER}: then it is left as a killed process leaves it, every commit on file
 * ({@code WRITE_DELAY=0}), for the next open to recover. H2 adds its hook again only if the database closed and
 * opened again, which the pool's connections, replaced one at a time, do not let happen while the application runs.
 * The hook is one for every H2 database of the process; the job repository is the only one.
 */
final class H2ExitHook {

	private static final Logger log = LoggerFactory.getLogger(H2ExitHook.class);

	/** H2's shutdown hook: a single thread that closes every database the process opened. */
	private static final String CLOSER = "org.h2.engine.OnExitDatabaseCloser";

	private H2ExitHook() {
	}

	/** Takes H2's shutdown hook out if this data source is an H2 database (opened now if it was not yet). */
	static void leaveClosingTo(DataSource dataSource) {
		try (Connection connection = dataSource.getConnection()) {
			if (!"H2".equals(connection.getMetaData().getDatabaseProductName())) {
				return;
			}
		}
		catch (SQLException ex) {
			// why: the job repository's own start-up reports an unreachable database, with its context
			return;
		}
		try {
			Field instance = Class.forName(CLOSER)
				.getDeclaredField("INSTANCE");
			instance.setAccessible(true);
			Runtime.getRuntime().removeShutdownHook((Thread) instance.get(null));
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			log.warn("H2 will close the job repository at shutdown beside the graceful stop of running jobs, which "
					+ "then cannot record them as stopped (cannot take out H2's shutdown hook {}: {})", CLOSER,
					ex.toString());
		}
	}
}

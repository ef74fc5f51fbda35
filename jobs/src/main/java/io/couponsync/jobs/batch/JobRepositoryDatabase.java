package io.couponsync.jobs.batch;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

import javax.sql.DataSource;

/** What the job repository's database is, where its SQL dialect matters (Quartz's delegate, extra indexes). */
public final class JobRepositoryDatabase {

	private JobRepositoryDatabase() {
	}

	public static boolean isPostgres(DataSource dataSource) {
		try (Connection connection = dataSource.getConnection()) {
			return connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot read the job repository's database product: " + ex.getMessage(),
					ex);
		}
	}
}

package io.couponsync.jobs.batch;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Finds a job's newest execution that ran a given piece of work — the same identifying parameters, {@code run.id}
 * aside — however many instances of other work came after it, with one query on the job repository's tables.
 * why: one job can have triggers with different parameters (reconcileJob every 10 s, and with {@code mode=full}
 * every 6 h); a failed full run is soon behind thousands of incremental instances, where a look at the job's newest
 * instance alone never finds it to continue it.
 */
public class ExecutionsOfWork {

	private final JdbcTemplate jdbc;

	public ExecutionsOfWork(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/** The id of the newest execution of {@code jobName} whose work was exactly {@code work}; null if none. */
	public Long newest(String jobName, Map<String, String> work) {
		StringBuilder sql = new StringBuilder("select max(e.JOB_EXECUTION_ID) from BATCH_JOB_EXECUTION e "
				+ "join BATCH_JOB_INSTANCE i on i.JOB_INSTANCE_ID = e.JOB_INSTANCE_ID where i.JOB_NAME = ? "
				+ "and (select count(*) from BATCH_JOB_EXECUTION_PARAMS p where p.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID "
				+ "and p.IDENTIFYING = 'Y' and p.PARAMETER_NAME <> 'run.id') = ?");
		List<Object> arguments = new ArrayList<>(List.of(jobName, work.size()));
		work.forEach((name, value) -> {
			sql.append(" and exists (select 1 from BATCH_JOB_EXECUTION_PARAMS p where p.JOB_EXECUTION_ID = "
					+ "e.JOB_EXECUTION_ID and p.IDENTIFYING = 'Y' and p.PARAMETER_NAME = ? and p.PARAMETER_VALUE = ?)");
			arguments.add(name);
			arguments.add(value);
		});
		return jdbc.queryForObject(sql.toString(), Long.class, arguments.toArray());
	}
}

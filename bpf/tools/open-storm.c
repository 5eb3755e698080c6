// th-open-storm: opens and closes one path COUNT times, paced at RATE opens/s (0: as fast as it
// can), split over PROCS processes. A load generator for bench/agent-overhead.ts: it offers far
// more watched opens per second than an interpreted loop, so the agent, not the generator, is
// what a capacity step measures. Prints the opens/s achieved (all processes together).
// Usage: th-open-storm PATH COUNT [RATE=0] [PROCS=1]
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

// Opens n times at rate/s (0: unpaced), checking the clock every 64 opens.
static int storm(const char *path, long n, double rate)
{
	double t0 = now();
	for (long i = 0; i < n; i++) {
		int fd = open(path, O_RDONLY);
		if (fd < 0) {
			perror(path);
			return 1;
		}
		close(fd);
		if (rate > 0 && (i & 63) == 63) {
			double ahead = (i + 1) / rate - (now() - t0);
			if (ahead > 0) {
				struct timespec d = { (time_t)ahead, (long)((ahead - (time_t)ahead) * 1e9) };
				nanosleep(&d, NULL);
			}
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s PATH COUNT [RATE=0] [PROCS=1]\n", argv[0]);
		return 1;
	}
	const char *path = argv[1];
	long count = atol(argv[2]);
	double rate = argc > 3 ? atof(argv[3]) : 0;
	int procs = argc > 4 ? atoi(argv[4]) : 1;
	if (count < 0 || rate < 0 || procs < 1) {
		fprintf(stderr, "%s: COUNT and RATE must be >= 0, PROCS >= 1\n", argv[0]);
		return 1;
	}
	double t0 = now();
	for (int p = 0; p < procs; p++) {
		// The first processes take the remainder, so the counts add up to COUNT.
		long n = count / procs + (p < count % procs);
		pid_t pid = fork();
		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0)
			_exit(storm(path, n, rate / procs));
	}
	int failed = 0, status;
	while (wait(&status) > 0)
		failed |= !WIFEXITED(status) || WEXITSTATUS(status) != 0;
	double secs = now() - t0;
	printf("%.0f\n", secs > 0 ? count / secs : 0);
	return failed;
}

/*
 * The pod sandbox ("pause") process of kubetune's real node: it holds the pod's
 * namespaces, reaps orphaned children (it is PID 1 when the pod shares its PID
 * namespace) and exits on SIGINT or SIGTERM. Built with `gcc -static` by
 * e2e/cluster/src/node/images.ts.
 */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static void reap(int signo) {
  (void)signo;
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
}

static void quit(int signo) {
  (void)signo;
  _exit(0);
}

int main(void) {
  struct sigaction on_child = {.sa_handler = reap, .sa_flags = SA_NOCLDSTOP | SA_RESTART};
  struct sigaction on_quit = {.sa_handler = quit};
  sigaction(SIGCHLD, &on_child, NULL);
  sigaction(SIGINT, &on_quit, NULL);
  sigaction(SIGTERM, &on_quit, NULL);
  for (;;) pause();
}

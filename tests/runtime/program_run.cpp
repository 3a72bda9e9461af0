#include "program_run.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

extern char** environ;

namespace fnprof::test {

std::string ProgramRun::status() const {
  return signal ? "signal " + std::to_string(signal) : std::to_string(exit_code);
}

ProgramRun run_program(const std::string& program, const std::vector<std::string>& args,
                       const std::vector<std::string>& env) {
  ProgramRun run;
  char dir_template[] = "/tmp/fnprof-test-XXXXXX";
  if (!mkdtemp(dir_template)) throw std::runtime_error("mkdtemp failed");
  run.dir = dir_template;

  // getenv() takes the first of duplicate names: the caller's come first.
  std::vector<std::string> env_strings(env.begin(), env.end());
  env_strings.push_back("FNPROF_OUTPUT=" + run.dir);
  env_strings.push_back("COUNT_OUTPUT=" + run.dir + "/counts.%p");
  for (char** e = environ; *e; ++e) env_strings.emplace_back(*e);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);

  std::vector<std::string> argv_strings{program};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);

  int out[2];
  if (pipe(out) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  std::string stderr_path = run.dir + "/stderr.txt";
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_addchdir_np(&actions, run.dir.c_str());
  pid_t pid;
  int rc = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  if (rc != 0) {
    close(out[0]);
    throw std::runtime_error("cannot run " + program);
  }
  char buf[4096];
  ssize_t n;
  while ((n = read(out[0], buf, sizeof buf)) > 0) run.stdout_text.append(buf, static_cast<size_t>(n));
  close(out[0]);
  run.pid = pid;
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) run.signal = WTERMSIG(status);

  std::ifstream err(stderr_path);
  run.stderr_text.assign(std::istreambuf_iterator<char>(err), {});
  std::filesystem::remove(stderr_path);

  for (const auto& entry : std::filesystem::directory_iterator(run.dir)) {
    std::string name = entry.path().filename();
    if (name.starts_with("fnprof.") && name.ends_with(".fnp")) run.dumps.push_back(entry.path());
  }
  std::sort(run.dumps.begin(), run.dumps.end());
  return run;
}

}  // namespace fnprof::test

// benchmarks: speed figures of the engine and the interpreter, printed, never asserted.
//
//     swift run -c release benchmarks            (everything)
//     swift run -c release benchmarks stateful   (the stateful search only)
//     swift run -c release benchmarks sweep --seeds 0..<50000   (dpor against dfs, see Sweep)
//
// Rates depend on the machine and its load, so they are reported here rather than checked by
// tests (tests check counts). `eptcheck bench` gives the figures of the spec scenarios.

import Dispatch
import Foundation
import Explorer
import ExplorerTestSupport
import Spec

/// Drives `status` and `execute` directly, round-robin with a rotating start, so the figure is
/// the system's alone, without the engine.
func rawStepsPerSecond<S: TransitionSystem>(_ system: S, steps target: Int) -> Double {
  let start = DispatchTime.now().uptimeNanoseconds
  var steps = 0
  var run = 0
  while steps < target {
    var state = system.initialState
    var progressed = true
    while progressed {
      progressed = false
      for k in 0..<system.threadCount {
        let t = (k + run) % system.threadCount
        if case .enabled(_, let choices) = system.status(of: t, in: state) {
          _ = system.execute(thread: t, choice: run % choices, in: &state)
          steps += 1
          progressed = true
        }
      }
    }
    run += 1
  }
  return Double(steps) / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
}

func figure(_ rate: Double) -> String { "\((rate / 1e4).rounded() / 100) M steps/s" }

/// `benchmarks sweep`: differential and optimality checks on generated programs (see `Sweep`).
if CommandLine.arguments.dropFirst().first == "sweep" {
  do {
    exit(try Sweep(arguments: CommandLine.arguments.dropFirst(2)).run() ? 0 : 1)
  } catch {
    print(error)
    exit(64)
  }
}

/// `benchmarks profile`: only a long DPOR run, for a profiler.
if CommandLine.arguments.dropFirst().first == "profile" {
  var steps = 0
  var seconds = 0.0
  let counting = CommandLine.arguments.dropFirst(2).first == "counting"
  let mini = CommandLine.arguments.dropFirst(3).first == "mini"
  for _ in 0..<5_000 {
    let result = mini
      ? try Explorer.explore(
        CanonicalSystems.lastZero(5),
        configuration: Configuration(strategy: .dpor, shrink: false, countDistinctStates: counting))
      : try Explorer.explore(
      CompactLastZero(5),
      configuration: Configuration(strategy: .dpor, shrink: false, countDistinctStates: counting))
    steps += result.statistics.transitions
    seconds += result.statistics.elapsed
  }
  print(
    "\(mini ? "" : "compact ")lastzero(5) x5000 dpor (\(counting ? "counting states" : "no state counting")): \(steps) steps, "
      + figure(Double(steps) / seconds))
  exit(0)
}

/// `benchmarks split <whole|JOBS> N`: unbounded DPOR on the `.ept` lastzero(N), the whole search
/// or split into subtrees on JOBS threads, for comparing the split's cost under `perf stat`.
if CommandLine.arguments.dropFirst().first == "split", CommandLine.arguments.count >= 4,
  let n = Int(CommandLine.arguments[3])
{
  var partition = Partition.standard()
  if CommandLine.arguments.count > 4, let m = Int(CommandLine.arguments[4]) { partition.minimumSubtrees = m }
  let spec = try LoadedSpec.load(source: CanonicalPrograms.lastZero(n), file: "lastzero.ept", library: .standard)
  let system = spec.system(for: spec.scenarios[0])
  let configuration = Configuration(strategy: .dpor, shrink: false)
  let mode = CommandLine.arguments[2]
  let result =
    mode == "whole"
    ? try Explorer.explore(system, configuration: configuration)
    : try Explorer.explore(
      system, configuration: configuration, partition: partition, jobs: Int(mode) ?? 1)
  let s = result.statistics
  print(
    "lastzero(\(n)) \(mode): \(s.executions) executions, \(s.sleepSetBlocked) blocked, \(s.transitions) steps, "
      + "\(s.distinctStates) states, \(String(format: "%.2f", s.elapsed)) s, \(figure(s.rate))")
  exit(0)
}

/// `benchmarks split-specs DEPTH`: every scenario of specs/ under bounded DPOR, the whole search
/// against the split one, to see what the split costs on the model.
if CommandLine.arguments.dropFirst().first == "split-specs", CommandLine.arguments.count == 3,
  let depth = Int(CommandLine.arguments[2])
{
  let spec = try LoadedSpec.load(paths: ["specs"])
  var totals = [0, 0, 0, 0, 0, 0]
  for scenario in spec.scenarios {
    let system = spec.system(for: scenario)
    let configuration = Configuration(strategy: .dpor, depthBound: depth, shrink: false)
    let whole = try Explorer.explore(system, configuration: configuration).statistics
    let split = try Explorer.explore(system, configuration: configuration, partition: .standard()).statistics
    print(
      "\(scenario.name): whole \(whole.executions) executions \(whole.transitions) steps; "
        + "split \(split.executions) executions \(split.sleepSetBlocked) blocked \(split.transitions) steps")
    totals[0] += whole.executions; totals[1] += whole.transitions; totals[2] += split.executions
    totals[3] += split.sleepSetBlocked; totals[4] += split.transitions
  }
  print("total: whole \(totals[0]) executions \(totals[1]) steps; split \(totals[2]) executions \(totals[3]) blocked \(totals[4]) steps")
  exit(0)
}

/// The stateful search's configurations: sleep sets on or off, exact or compacted visited set.
let statefulModes: [(name: String, sleepSets: Bool, hashCompaction: Bool)] = [
  ("full, exact", false, false), ("sleep sets, exact", true, false),
  ("full, compacted", false, true), ("sleep sets, compacted", true, true),
]

func statefulConfiguration(_ mode: Int) -> Configuration {
  Configuration(
    strategy: .stateful(shortest: false), shrink: false,
    sleepSets: statefulModes[mode].sleepSets, hashCompaction: statefulModes[mode].hashCompaction)
}

func peakResidentBytes() -> Double {
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  return Double(usage.ru_maxrss) * 1024
}

/// `benchmarks stateful N MODE`: one stateful search of lastzero(N), alone in its process so that
/// the growth of the peak resident size is its own.
if CommandLine.arguments.dropFirst().first == "stateful", CommandLine.arguments.count == 4,
  let n = Int(CommandLine.arguments[2]), let mode = Int(CommandLine.arguments[3])
{
  let system = CanonicalSystems.lastZero(n)
  let before = peakResidentBytes()
  let result = try Explorer.explore(system, configuration: statefulConfiguration(mode))
  let s = result.statistics
  let perState = Int((peakResidentBytes() - before) / Double(s.distinctStates))
  print(
    "  lastzero(\(n)) \(statefulModes[mode].name): \(s.distinctStates) states, \(s.transitions) steps",
    "in \((s.elapsed * 1000).rounded() / 1000) s = \(Int(Double(s.distinctStates) / s.elapsed)) states/s;",
    "peak memory grew by \(perState) bytes per state")
  exit(0)
}

/// The stateful search's figures: `benchmarks stateful` prints only these.
func statefulFigures() throws {
  print("Stateful search (each lastzero run in its own process; bytes per state from peak memory):")
  for n in [8, 9] {
    for mode in statefulModes.indices {
      let child = Process()
      child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
      child.arguments = ["stateful", "\(n)", "\(mode)"]
      fflush(nil)  // so that this process's header comes before the child's line
      try child.run()
      child.waitUntilExit()
    }
  }

  print("Stateful search over every scenario of ./specs, unbounded, exact: steps without and with sleep sets")
  if let spec = try? LoadedSpec.load(paths: ["specs"]) {
    for scenario in spec.scenarios {
      let system = spec.system(for: scenario, loopBounds: false)
      let full = try Explorer.explore(system, configuration: statefulConfiguration(0))
      let reduced = try Explorer.explore(system, configuration: statefulConfiguration(1))
      print(
        "  \(scenario.name): \(full.statistics.distinctStates) states,",
        "\(full.statistics.transitions) -> \(reduced.statistics.transitions) steps")
    }
  }
  print("Stateful search over every scenario of ./specs, unbounded (totals):")
  if let spec = try? LoadedSpec.load(paths: ["specs"]) {
    for mode in statefulModes.indices {
      var states = 0
      var steps = 0
      var seconds = 0.0
      var kinds: [String] = []
      for scenario in spec.scenarios {
        let result = try Explorer.explore(
          spec.system(for: scenario, loopBounds: false), configuration: statefulConfiguration(mode))
        states += result.statistics.distinctStates
        steps += result.statistics.transitions
        seconds += result.statistics.elapsed
        kinds += Set(result.counterexamples.map(\.violation.kind)).sorted()
      }
      print(
        "  \(spec.scenarios.count) scenarios \(statefulModes[mode].name): \(states) states,",
        "\(steps) steps in \((seconds * 1000).rounded() / 1000) s = \(Int(Double(states) / seconds)) states/s;",
        "\(kinds.count) violations found")
    }
  } else {
    print("  (no ./specs here)")
  }
}

if CommandLine.arguments.dropFirst().first == "stateful" {
  try statefulFigures()
  exit(0)
}

print("Engine (MiniProgram systems, the engine's own cost included):")
let (seed, generated) = SpeedMeasurement.generatedFourThreadProgram()
for counting in [true, false] {
  var measurements: [SpeedMeasurement] = []
  measurements.append(
    try .measure(CanonicalSystems.lastZero(5), name: "lastzero(5)", strategy: .dfs, countDistinctStates: counting))
  measurements.append(
    try .measure(
      CanonicalSystems.lastZero(5), name: "lastzero(5)", strategy: .dpor, countDistinctStates: counting,
      repetitions: 2_000))
  measurements.append(
    try .measure(CompactLastZero(5), name: "compact lastzero(5)", strategy: .dfs, countDistinctStates: counting))
  measurements.append(
    try .measure(
      CompactLastZero(5), name: "compact lastzero(5)", strategy: .dpor, countDistinctStates: counting,
      repetitions: 2_000))
  measurements.append(
    try .measure(generated, name: "generated(seed: \(seed))", strategy: .dfs, countDistinctStates: counting))
  measurements.append(
    try .measure(generated, name: "generated(seed: \(seed))", strategy: .dpor, countDistinctStates: counting))
  for m in measurements { print("  \(m)") }
}

print("Interpreter (.ept programs):")
for n in [3, 4] {
  let spec = try LoadedSpec.load(
    source: CanonicalPrograms.lastZero(n), file: "lastzero\(n).ept", library: .standard)
  let system = spec.system(for: spec.scenarios[0])
  let raw = rawStepsPerSecond(system, steps: 2_000_000)
  let mini = rawStepsPerSecond(CanonicalSystems.lastZero(n), steps: 2_000_000)
  let explored = try Explorer.explore(
    system, configuration: Configuration(strategy: .dfs, countDistinctStates: false))
  print(
    "  lastzero(\(n)): stepping \(figure(raw)) (MiniProgram \(figure(mini))); dfs",
    "\(explored.statistics.executions) executions at \(figure(explored.statistics.rate))")
}
// The interpreter alone on the model: every scenario of ./specs stepped round-robin, no engine.
if let spec = try? LoadedSpec.load(paths: ["specs"]) {
  var seconds = 0.0
  let stepsEach = 200_000
  for scenario in spec.scenarios {
    seconds += Double(stepsEach) / rawStepsPerSecond(spec.system(for: scenario), steps: stepsEach)
  }
  let total = Double(stepsEach * spec.scenarios.count)
  print(
    "  every scenario of ./specs (\(spec.scenarios.count)): stepping \(figure(total / seconds))",
    "(\(stepsEach) steps each)")
}

try statefulFigures()

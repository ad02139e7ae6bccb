import Explorer
import ExplorerTestSupport
import Foundation
import Testing

import Spec

/// Interpreter throughput, run only on request (`EPT_BENCH=1 swift test -c release --filter SpeedTests`).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["EPT_BENCH"] != nil))
struct SpeedTests {
  /// Drives the system directly (status of every thread, then execute one), round-robin with a
  /// rotating start, so the figure is the interpreter's alone.
  static func rawStepsPerSecond<S: TransitionSystem>(_ system: S, steps target: Int) -> (Int, Double) {
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
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    return (steps, Double(steps) / seconds)
  }

  @Test func throughput() throws {
    let programs: [(String, String, MiniProgram)] = SemanticsTests.cases
    for (name, source, mini) in programs {
      let system = try SemanticsTests.system(source)
      let (steps, rate) = Self.rawStepsPerSecond(system, steps: 5_000_000)
      let (_, miniRate) = Self.rawStepsPerSecond(mini, steps: 5_000_000)
      let explored = try Explorer.explore(system, configuration: Configuration(strategy: .dfs, countDistinctStates: false))
      print(
        "BENCH \(name): interpreter \(Int(rate)) steps/s over \(steps) steps (MiniProgram \(Int(miniRate)));",
        "dfs exploration \(Int(explored.statistics.rate)) steps/s")
    }
    // A bigger exploration: lastzero(4) under dfs, whole engine included.
    let spec = try LoadedSpec.load(source: SpeedTests.lastZero5, file: "bench.ept")
    let system = spec.system(for: spec.scenarios[0])
    let result = try Explorer.explore(system, configuration: Configuration(strategy: .dfs, countDistinctStates: false))
    let mini = try Explorer.explore(CanonicalSystems.lastZero(4), configuration: Configuration(strategy: .dfs, countDistinctStates: false))
    print(
      "BENCH lastzero(4) dfs: \(result.statistics.transitions) steps in \(result.statistics.elapsed)s =",
      "\(Int(result.statistics.rate)) steps/s (MiniProgram \(Int(mini.statistics.rate)) steps/s)")
  }

  static let lastZero5 = """
    shared int a[5];
    void scanner() {
        for (int i = 4; i >= 0; i--) {
            if (a[i] == 0) break;
        }
    }
    void writer(int j) { a[j] = a[j - 1] + 1; }
    scenario lastzero5 {
        thread t0 = scanner();
        thread t1 = writer(1);
        thread t2 = writer(2);
        thread t3 = writer(3);
        thread t4 = writer(4);
        expect ok;
    }
    """
}

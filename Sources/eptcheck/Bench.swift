import ArgumentParser
import Explorer
import ExplorerTestSupport
import Foundation
import Spec

extension EptCheck {
  /// `eptcheck bench`: fixed workloads with their counts, rates, memory and wall time.
  ///
  /// Figures, not tests: nothing here asserts a time.
  struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print performance figures for fixed workloads.")

    @Option(help: "Report format.")
    var format: Check.Format = .text

    @Option(help: "Depth bound for the spec workloads.")
    var depth: Int = 12

    @Flag(
      help: "Skip the deep run (unbounded DPOR on \(Self.deepRun), about 11 seconds in release).")
    var quick = false

    @Option(
      help: "Also run the deep run and the large workload on N threads, and print the speedup.")
    var jobs: Int = 1

    @Option(help: "The large workload: a spec file whose scenarios the stateful search checks.")
    var workload: String = largeWorkload

    @Flag(help: "Skip the large workload (the stateful search on --workload).")
    var skipLarge = false

    @Flag(
      help: "Run only the large workload: the stateful targets, in a minute rather than five.")
    var onlyLarge = false

    func validate() throws {
      if jobs < 1 { throw ValidationError("--jobs must be at least 1, not \(jobs)") }
      if depth < 1 { throw ValidationError("--depth must be at least 1, not \(depth)") }
      if skipLarge && onlyLarge {
        throw ValidationError("--skip-large and --only-large exclude each other")
      }
    }

    @OptionGroup var specPaths: SpecPaths

    /// The deep run: readers(9) with 3 writers, 3! 4^9 = 1,572,864 Mazurkiewicz traces and
    /// 6.7 M steps, about 20 seconds on one thread in release when it was chosen (11 s since
    /// the step memo, December 2026). lastzero(15), the largest lastzero whose 16 threads fit
    /// `VectorClock`, took half that, and no scenario of `specs/` runs that long unbounded. No
    /// size landed nearer 30 s: 2 to 8 writers with fewer readers stayed near 20 s, and the next
    /// sizes up (readers(13) with 2 writers, or one more reader here) run about three and four
    /// times as many steps.
    static let deepReaders = 9
    static let deepWriters = 3
    static var deepRun: String { "readers(\(deepReaders), writers: \(deepWriters))" }

    /// The name of the spec-throughput row.
    static let everyScenario = "every scenario"

    struct Figure: Codable {
      var version = 1
      var kind = "bench"
      var workload: String
      var jobs = 1
      var executions: Int
      /// Executions per Mazurkiewicz trace, where the workload's trace count is known.
      var executionsPerTrace: Double?
      var transitions: Int
      var stepsPerSecond: Double
      var peakMemoryMB: Double
      var seconds: Double
      /// Wall time on one thread over wall time on `jobs`, for the deep run on several threads.
      var speedup: Double?
    }

    func run() throws {
      var figures: [Figure] = []
      // First, so that its growth of the resident set is the process's peak (bytes per state).
      var stateful: [StatefulFigure] = []
      if !skipLarge, FileManager.default.fileExists(atPath: workload) {
        let large = try LoadedSpec.load(paths: [workload])
        for scenario in large.scenarios {
          let one = try Self.measureStateful(large, scenario)
          stateful.append(one)
          if jobs > 1 {
            var many = try Self.measureStateful(large, scenario, jobs: jobs)
            many.speedup = one.seconds / many.seconds
            stateful.append(many)
          }
        }
      }
      // The canonical programs, unbounded: optimal DPOR should run one execution per trace.
      for n in [4, 8, 12] where !onlyLarge {
        figures.append(
          try Self.measure(
            source: CanonicalPrograms.readers(n), name: "readers(\(n))", depth: nil,
            traces: CanonicalPrograms.readersTraces(n)))
      }
      for n in [5, 8] where !onlyLarge {
        figures.append(
          try Self.measure(
            source: CanonicalPrograms.lastZero(n), name: "lastzero(\(n))", depth: nil))
      }
      // The per-scenario figures are of the hand-written scenarios; the synthesized ones are
      // summed on a line of their own.
      let spec = try SpecPaths.load(
        specPaths.resolved, kernel: specPaths.release, synthesis: .none, warnings: false)
      let synthesis = onlyLarge ? nil : try Self.synthesis(try specPaths.load(warnings: false))
      for scenario in spec.scenarios where !onlyLarge {
        figures.append(
          try Self.measure(spec.system(for: scenario), name: scenario.name, depth: depth))
      }
      // The interpreter's steady state: the depth-bounded runs above are mostly set-up.
      if !onlyLarge { figures.append(try Self.throughput(spec)) }
      if !quick && !onlyLarge {
        let source = CanonicalPrograms.readers(Self.deepReaders, writers: Self.deepWriters)
        let traces = CanonicalPrograms.readersTraces(Self.deepReaders, writers: Self.deepWriters)
        let one = try Self.measure(source: source, name: Self.deepRun, depth: nil, traces: traces)
        figures.append(one)
        if jobs > 1 {
          var many = try Self.measure(
            source: source, name: Self.deepRun, depth: nil, traces: traces, jobs: jobs)
          many.speedup = one.seconds / many.seconds
          figures.append(many)
        }
      }
      if format == .json {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for figure in figures {
          try ReportOutput.write(String(decoding: try encoder.encode(figure), as: UTF8.self) + "\n")
        }
        for figure in stateful {
          try ReportOutput.write(String(decoding: try encoder.encode(figure), as: UTF8.self) + "\n")
        }
        if let synthesis {
          try ReportOutput.write(
            String(decoding: try encoder.encode(synthesis), as: UTF8.self) + "\n")
        }
        for target in Self.targets(figures, stateful) {
          try ReportOutput.write(String(decoding: try encoder.encode(target), as: UTF8.self) + "\n")
        }
        return
      }
      let width = figures.map(\.workload.count).max() ?? 0
      var out =
        figures.isEmpty
        ? ""
        : "workload".padded(to: width)
          + "  executions  exec/trace       steps     steps/s  peak MB   seconds\n"
      for f in figures {
        out += f.workload.padded(to: width)
        let perTrace = f.executionsPerTrace.map { String(format: "%.2f", $0) } ?? "-"
        out += String(format: "  %10d  ", f.executions)
        out += String(repeating: " ", count: max(0, 10 - perTrace.count)) + perTrace
        out += String(
          format: "  %10d  %10.0f  %7.1f  %8.3f\n", f.transitions, f.stepsPerSecond,
          f.peakMemoryMB, f.seconds)
      }
      for f in figures {
        guard let speedup = f.speedup else { continue }
        out += String(
          format: "\n%@ on %d threads: %.2f times as fast as on one", f.workload, f.jobs, speedup)
        out += String(format: " (%.0f steps/s per thread)\n", f.stepsPerSecond / Double(f.jobs))
      }
      if let synthesis { out += "\n" + Self.synthesisLine(synthesis) }
      if !stateful.isEmpty { out += (out.isEmpty ? "" : "\n") + Self.statefulTable(stateful) }
      out += "\n" + Self.targetTable(Self.targets(figures, stateful))
      try ReportOutput.write(out)
    }

    /// Explores one workload with DPOR as `eptcheck` does (split into subtrees), bounded at
    /// `depth` if given, on `jobs` threads.
    static func measure<System: TransitionSystem>(
      _ system: System, name: String, depth: Int?, traces: Int? = nil, jobs: Int = 1
    ) throws -> Figure {
      let result = try Explorer.explore(
        system, configuration: Configuration(strategy: .dpor, depthBound: depth, shrink: false),
        partition: .standard(), jobs: jobs)
      let s = result.statistics
      var label = depth.map { "\(name) (dpor, depth \($0))" } ?? "\(name) (dpor)"
      if jobs > 1 {
        label =
          depth.map { "\(name) (dpor, depth \($0), \(jobs) jobs)" }
          ?? "\(name) (dpor, \(jobs) jobs)"
      }
      return Figure(
        workload: label, jobs: jobs, executions: s.executions,
        executionsPerTrace: traces.map { Double(s.executions) / Double($0) },
        transitions: s.transitions, stepsPerSecond: s.rate, peakMemoryMB: peakMemoryMB,
        seconds: s.elapsed)
    }

    /// Unbounded DPOR on every scenario of `spec`, one after another on one thread, summed: the
    /// executions and steps of all, and their steps over the time spent exploring (loading and
    /// compiling excluded).
    static func throughput(_ spec: LoadedSpec) throws -> Figure {
      var total = Figure(
        workload: "\(everyScenario) (dpor, unbounded, sum of \(spec.scenarios.count))",
        executions: 0, transitions: 0, stepsPerSecond: 0, peakMemoryMB: 0, seconds: 0)
      for scenario in spec.scenarios {
        let result = try Explorer.explore(
          spec.system(for: scenario), configuration: Configuration(strategy: .dpor, shrink: false),
          partition: .standard(), jobs: 1)
        total.executions += result.statistics.executions
        total.transitions += result.statistics.transitions
        total.seconds += result.statistics.elapsed
      }
      total.stepsPerSecond = total.seconds > 0 ? Double(total.transitions) / total.seconds : 0
      total.peakMemoryMB = peakMemoryMB
      return total
    }

    static func measure(
      source: String, name: String, depth: Int?, traces: Int? = nil, jobs: Int = 1
    ) throws -> Figure {
      // The generic language: the canonical programs race on purpose.
      let spec = try LoadedSpec.load(source: source, file: "\(name).ept", library: .standard)
      return try measure(
        spec.system(for: spec.scenarios[0]), name: name, depth: depth, traces: traces, jobs: jobs)
    }

    /// The process's peak resident set size so far, in megabytes.
    static var peakMemoryMB: Double {
      var usage = rusage()
      getrusage(RUSAGE_SELF.rawValue, &usage)
      return Double(usage.ru_maxrss) / 1024
    }
  }
}

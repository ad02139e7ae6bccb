import Dispatch
import Explorer
import ExplorerTestSupport
import Foundation

/// `benchmarks sweep`: the differential and optimality checks of `DifferentialCheck` on many
/// generated programs of both shapes, unbounded and at several depth bounds, with counts.
///
///     swift run -c release benchmarks sweep --seeds 0..<50000 [--shapes standard,wide]
///         [--bounds none,3,5,8] [--jobs 2] [--no-split] [--stateful]
///
/// With `--stateful`, the stateful search is checked against `dfs` instead (`StatefulCheck`: the
/// states stored, final and deadlocked states and violations, on one thread and on two).
///
/// Not part of `swift test`: it takes minutes. Exits 1 when any program disagrees with `dfs` or
/// shows an optimality gap, and prints the first few of them in full.
struct Sweep {
  var seeds: Range<UInt64> = 0..<1_000
  var shapes: [ProgramGenerator.Shape] = ProgramGenerator.Shape.allCases
  var bounds: [Int?] = [nil, 3, 5, 8]
  var jobs = 1
  /// Whether the split search (`Partition.standard()`) is checked against `dfs` too.
  var split = true
  /// Whether the stateful search is checked instead of DPOR.
  var stateful = false

  init(arguments: ArraySlice<String>) throws {
    var rest = arguments
    while let flag = rest.popFirst() {
      if flag == "--no-split" {
        split = false
        continue
      }
      if flag == "--stateful" {
        stateful = true
        continue
      }
      guard let value = rest.popFirst() else { throw SweepError.usage("\(flag) needs a value") }
      switch flag {
      case "--seeds":
        let parts = value.components(separatedBy: "..<")
        guard parts.count == 2, let low = UInt64(parts[0]), let high = UInt64(parts[1]), low < high
        else { throw SweepError.usage("--seeds takes LOW..<HIGH, not \(value)") }
        seeds = low..<high
      case "--shapes":
        shapes = try value.split(separator: ",").map {
          guard let shape = ProgramGenerator.Shape(rawValue: String($0)) else {
            throw SweepError.usage("no shape \($0)")
          }
          return shape
        }
      case "--bounds":
        bounds = try value.split(separator: ",").map {
          if $0 == "none" { return nil }
          guard let bound = Int($0), bound >= 1 else { throw SweepError.usage("bad bound \($0)") }
          return bound
        }
      case "--jobs":
        guard let n = Int(value), n >= 1 else { throw SweepError.usage("bad --jobs \(value)") }
        jobs = n
      default: throw SweepError.usage("unknown option \(flag)")
      }
    }
  }

  enum SweepError: Error, CustomStringConvertible {
    case usage(String)
    var description: String {
      switch self {
      case .usage(let why): return "benchmarks sweep: \(why)"
      }
    }
  }

  /// Counts for one shape at one bound.
  struct Tally {
    var programs = 0
    var disagreements = 0
    var gaps = 0
    var executions = 0
    var traces = 0
    var sleepSetBlocked = 0
    var fewer = 0
    var failures: [String] = []

    mutating func add(_ other: Tally) {
      programs += other.programs
      disagreements += other.disagreements
      gaps += other.gaps
      executions += other.executions
      traces += other.traces
      sleepSetBlocked += other.sleepSetBlocked
      fewer += other.fewer
      failures += other.failures
    }
  }

  /// Runs the sweep and prints its counts; returns whether every program was clean.
  func run() throws -> Bool {
    let label = { (bound: Int?) in bound.map { "depth \($0)" } ?? "unbounded" }
    print(
      "sweep: seeds \(seeds.lowerBound)..<\(seeds.upperBound), shapes "
        + shapes.map(\.rawValue).joined(separator: ", ") + ", bounds "
        + bounds.map(label).joined(separator: ", ")
        + (stateful ? ", the stateful search" : split ? ", split search checked too" : ""))
    let start = DispatchTime.now().uptimeNanoseconds
    var total = Tally()
    for shape in shapes {
      let generator = shape == .wide ? ProgramGenerator.wide : ProgramGenerator()
      var tallies = [Tally](repeating: Tally(), count: bounds.count)
      let chunks = ResultBox<[Tally]>(count: jobs)
      let next = Counter()
      let count = Int(seeds.count)
      DispatchQueue.concurrentPerform(iterations: jobs) { worker in
        var mine = [Tally](repeating: Tally(), count: bounds.count)
        while let k = next.take(below: count, chunk: 64) {
          for offset in k..<min(count, k + 64) {
            let seed = seeds.lowerBound + UInt64(offset)
            let program = generator.program(seed: seed)
            for (b, bound) in bounds.enumerated() {
              mine[b].add(
                stateful
                  ? Self.checkStateful(program, seed: seed, bound: bound)
                  : Self.check(program, seed: seed, bound: bound, split: split))
            }
          }
        }
        chunks.set(worker, mine)
      }
      for chunk in chunks.values { for b in bounds.indices { tallies[b].add(chunk[b]) } }
      for (b, bound) in bounds.enumerated() {
        let t = tallies[b]
        var line =
          "\(shape.rawValue), \(label(bound)): \(t.programs) programs, \(t.disagreements) "
          + "disagreements, \(t.gaps) optimality gaps; "
          + (stateful
            ? "\(t.traces) states, \(t.executions) steps on one thread"
            : "\(t.executions) executions, \(t.traces) traces, "
              + "\(t.sleepSetBlocked) sleep-set blocked")
        if bound != nil, !stateful {
          line += ", fewer executions than traces in \(t.fewer) programs"
        }
        print(line)
        total.add(t)
      }
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    print(
      "total: \(total.programs) program runs (\(seeds.count) seeds x \(shapes.count) shapes x "
        + "\(bounds.count) bounds), \(total.disagreements) disagreements, \(total.gaps) optimality "
        + "gaps, in \(Int(seconds)) s")
    for failure in total.failures.prefix(5) { print(failure) }
    return total.disagreements == 0 && total.gaps == 0
  }

  /// The stateful check of one program; its states and steps are kept in `traces` and
  /// `executions`.
  static func checkStateful(_ program: MiniProgram, seed: UInt64, bound: Int?) -> Tally {
    var tally = Tally()
    tally.programs = 1
    do {
      let check = try StatefulCheck(program, bound: bound)
      tally.traces = check.states
      tally.executions = check.steps
      if !check.isClean {
        tally.disagreements = 1
        tally.failures.append(
          "seed \(seed), \(bound.map { "depth \($0)" } ?? "unbounded"): "
            + check.disagreements.joined(separator: "; ") + "\n\(program)")
      }
    } catch {
      tally.disagreements = 1
      tally.failures.append("seed \(seed): cannot explore: \(error)")
    }
    return tally
  }

  static func check(_ program: MiniProgram, seed: UInt64, bound: Int?, split: Bool) -> Tally {
    var tally = Tally()
    tally.programs = 1
    do {
      let check = try DifferentialCheck(
        program, bound: bound, partition: split ? Partition.standard() : nil)
      tally.executions = check.executions
      tally.traces = check.traces
      tally.sleepSetBlocked = check.sleepSetBlocked
      if check.executions < check.traces { tally.fewer = 1 }
      if !check.disagreements.isEmpty { tally.disagreements = 1 }
      if !check.gaps.isEmpty { tally.gaps = 1 }
      if !check.isClean {
        tally.failures.append(
          "seed \(seed), \(bound.map { "depth \($0)" } ?? "unbounded"): "
            + (check.disagreements + check.gaps).joined(separator: "; ") + "\n\(program)")
      }
    } catch {
      tally.disagreements = 1
      tally.failures.append("seed \(seed): cannot explore: \(error)")
    }
    return tally
  }
}

/// Hands out chunks of indices to the workers of a sweep.
private final class Counter: @unchecked Sendable {
  private var value = 0
  private let lock = NSLock()

  func take(below count: Int, chunk: Int) -> Int? {
    lock.withLock {
      guard value < count else { return nil }
      defer { value += chunk }
      return value
    }
  }
}

/// One result slot per worker.
private final class ResultBox<Value>: @unchecked Sendable {
  private var slots: [Value?]
  private let lock = NSLock()

  init(count: Int) { slots = Array(repeating: nil, count: count) }

  func set(_ index: Int, _ value: Value) { lock.withLock { slots[index] = value } }

  var values: [Value] { lock.withLock { slots.compactMap { $0 } } }
}

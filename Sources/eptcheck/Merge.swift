import ArgumentParser
import Explorer
import Foundation
import Spec

extension EptCheck {
  /// `eptcheck merge`: combines the JSON Lines reports of the shards of one run into one report.
  ///
  /// Shards (`--shard I/N`) split the work: a `dpor` or `dfs` scenario into parts, one per shard,
  /// each exploring its share of the scenario's subtrees; any other scenario whole, in one shard.
  /// Merging adds up the parts and judges the scenario again, so the merged report has the same
  /// verdicts and counts as a single run.
  struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Merge the JSON Lines reports of the shards of one run (--shard I/N).")

    @Argument(help: "The shards' reports (--format json).")
    var reports: [String]

    @Option(help: "Report format: text or json.")
    var format: Check.Format = .text

    func validate() throws {
      if reports.isEmpty { throw ValidationError("give the shards' reports to merge") }
      if format == .html {
        throw ValidationError(
          "merge writes text or json; for an HTML report, check without --shard and --format html")
      }
    }

    func run() throws {
      var runRecord: JSONLinesReport.RunRecord?
      var runs: [(path: String, record: JSONLinesReport.RunRecord)] = []
      var scenarios: [JSONLinesReport.ScenarioRecord] = []
      var violations: [JSONLinesReport.ViolationRecord] = []
      var shards: [String] = []
      let decoder = JSONDecoder()
      for path in reports {
        var runHere: JSONLinesReport.RunRecord?
        guard let data = FileManager.default.contents(atPath: path),
          let text = String(data: data, encoding: .utf8)
        else {
          throw Failure.badTrace("\(path): \(TraceSource.whyUnreadable(path))").exit()
        }
        for (number, line) in text.split(separator: "\n").enumerated() {
          let bytes = Data(line.utf8)
          guard let header = try? decoder.decode(RecordHeader.self, from: bytes),
            header.version == JSONLinesReport.formatVersion
          else {
            throw Failure.badTrace("\(path):\(number + 1): not an eptcheck JSON Lines record").exit()
          }
          do {
            switch header.kind {
            case "run":
              let record = try decoder.decode(JSONLinesReport.RunRecord.self, from: bytes)
              guard runHere == nil else {
                throw Failure.badTrace("\(path):\(number + 1): a second run record").exit()
              }
              runHere = record
              if let shard = record.shard { shards.append(shard) }
              if runRecord == nil { runRecord = record }
            case "scenario":
              let record = try decoder.decode(JSONLinesReport.ScenarioRecord.self, from: bytes)
              if let why = Self.badCounts(record.statistics) {
                throw Failure.badTrace("\(path):\(number + 1): scenario '\(record.name)': \(why)")
                  .exit()
              }
              scenarios.append(record)
            case "violation":
              violations.append(try decoder.decode(JSONLinesReport.ViolationRecord.self, from: bytes))
            default: break
            }
          } catch let exit as ExitCode {
            throw exit
          } catch {
            throw Failure.badTrace("\(path):\(number + 1): a malformed \(header.kind) record").exit()
          }
        }
        guard let runHere else {
          throw Failure.badTrace(
            "\(path): no run record: not a report of eptcheck --format json").exit()
        }
        runs.append((path, runHere))
      }
      let merged: [(JSONLinesReport.ScenarioRecord, [JSONLinesReport.ViolationRecord])]
      let executions: Int
      let transitions: Int
      do {
        try Self.checkComparable(runs)
        merged = try Self.combine(scenarios, violations, run: runRecord)
        executions = try Self.sum(merged.map(\.0.statistics.executions), "executions")
        transitions = try Self.sum(merged.map(\.0.statistics.transitions), "steps")
      } catch let error as MergeError {
        throw Failure.badTrace(error.message).exit()
      }
      let records = merged.map(\.0)
      let unexpected = records.filter { $0.verdict == "fail" }.count
      let inconclusive = records.filter { $0.verdict == "inconclusive" }.count
      var out = ""
      switch format {
      case .json:
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        func emit<T: Encodable>(_ record: T) {
          if let data = try? encoder.encode(record) { out += String(decoding: data, as: UTF8.self) + "\n" }
        }
        if var runRecord {
          runRecord.shard = nil
          emit(runRecord)
        }
        for (scenario, found) in merged {
          emit(scenario)
          for violation in found { emit(violation) }
        }
        emit(
          JSONLinesReport.SummaryRecord(
            scenarios: records.count, asExpected: records.count - unexpected - inconclusive,
            unexpected: unexpected, inconclusive: inconclusive,
            executions: executions, transitions: transitions,
            elapsed: records.reduce(0) { $0 + $1.statistics.elapsed }))
      case .text, .html:
        let width = records.map(\.name.count).max() ?? 0
        for scenario in records {
          var line = scenario.verdict == "fail" ? "FAIL" : scenario.verdict
          let name = scenario.name.escapingControlCharacters()
          line = line.padded(to: 12) + " " + name.padded(to: width)
          line += "  \(scenario.statistics.executions) executions, \(scenario.statistics.transitions) steps, "
          line += scenario.completeness
          if let reason = scenario.reason { line += " (\(reason.escapingControlCharacters()))" }
          out += line + "\n"
        }
        out += "\n\(records.count) scenarios from \(reports.count) reports"
        let shardList = shards.sorted().joined(separator: ", ").escapingControlCharacters()
        out += shards.isEmpty ? "" : " (shards \(shardList))"
        out += ": \(records.count - unexpected - inconclusive) as expected, \(unexpected) not as expected, "
        out += "\(inconclusive) inconclusive; \(executions) executions\n"
      }
      try ReportOutput.write(out)
      if unexpected > 0 { throw Outcome.unexpected }
      if inconclusive > 0 { throw Outcome.inconclusive }
    }

    /// Why reports cannot be merged.
    struct MergeError: Error {
      var message: String
    }

    /// One record per scenario, in the order the reports first mention them: a whole record as
    /// it is, the parts of a split scenario added up and judged again. Violations are kept once
    /// each, from the lowest part that found them.
    static func combine(
      _ scenarios: [JSONLinesReport.ScenarioRecord], _ violations: [JSONLinesReport.ViolationRecord],
      run: JSONLinesReport.RunRecord?
    ) throws -> [(JSONLinesReport.ScenarioRecord, [JSONLinesReport.ViolationRecord])] {
      var order: [String] = []
      var byName: [String: [JSONLinesReport.ScenarioRecord]] = [:]
      for record in scenarios {
        if byName[record.name] == nil { order.append(record.name) }
        byName[record.name, default: []].append(record)
      }
      var result: [(JSONLinesReport.ScenarioRecord, [JSONLinesReport.ViolationRecord])] = []
      for name in order {
        let records = byName[name]!
        let found = violations.filter { $0.scenario == name }
        if records.count == 1, records[0].part == nil {
          result.append((records[0], found))
          continue
        }
        guard records.allSatisfy({ $0.part != nil }) else {
          throw MergeError(message: "the reports check scenario '\(name)' twice: they are not shards of one run")
        }
        let parts = records.compactMap { $0.part.flatMap(ShardSpec.init(argument:)) }
        let count = parts.first?.count ?? 0
        guard parts.count == records.count, parts.allSatisfy({ $0.count == count }),
          Set(parts.map(\.index)) == Set(1...count), parts.count == count
        else {
          let have = records.compactMap(\.part).sorted().joined(separator: ", ")
          throw MergeError(
            message: "scenario '\(name)' needs each of its parts exactly once; the reports hold \(have)")
        }
        result.append(try mergeParts(records, found, run: run))
      }
      return result
    }

    /// The parts of one split scenario as one record: counts added, violations united (first
    /// trace by part order), then judged as a single run would be.
    static func mergeParts(
      _ records: [JSONLinesReport.ScenarioRecord], _ violations: [JSONLinesReport.ViolationRecord],
      run: JSONLinesReport.RunRecord?
    ) throws -> (JSONLinesReport.ScenarioRecord, [JSONLinesReport.ViolationRecord]) {
      let parts = records.sorted { partIndex($0.part) < partIndex($1.part) }
      let first = parts[0]
      for part in parts.dropFirst() {
        for (what, mine, theirs) in [
          ("expect", part.expectation, first.expectation),
          ("strategy", part.strategy ?? "none", first.strategy ?? "none"),
          ("location", "\(part.location)", "\(first.location)"),
        ] where mine != theirs {
          let (this, that) = (part.part ?? "?", first.part ?? "?")
          throw MergeError(
            message: "scenario '\(first.name)': part \(this) has \(what) \(mine), "
              + "part \(that) has \(theirs): they are not parts of one run")
        }
      }
      var statistics = Statistics()
      let all = parts.map(\.statistics)
      let name = "scenario '\(first.name)': the parts'"
      statistics.executions = try sum(all.map(\.executions), "\(name) executions")
      statistics.sleepSetBlocked = try sum(all.map(\.sleepSetBlocked), "\(name) blocked executions")
      statistics.transitions = try sum(all.map(\.transitions), "\(name) steps")
      statistics.cutExecutions = try sum(all.map(\.cutExecutions), "\(name) cut executions")
      statistics.loopBoundCuts = try sum(all.map(\.loopBoundCuts), "\(name) loop-bound cuts")
      statistics.maxDepth = all.map(\.maxDepth).max() ?? 0
      // The parts' state sets overlap: the largest is a lower bound on the whole.
      statistics.distinctStates = all.map(\.distinctStates).max() ?? 0
      statistics.elapsed = all.reduce(0) { $0 + $1.elapsed }
      var seen: Set<Violation> = []
      var kept: [JSONLinesReport.ViolationRecord] = []
      // The lowest part's trace of each violation, whatever order the reports came in.
      let byPart = violations.enumerated().sorted {
        (Self.partIndex($0.element.part), $0.offset) < (Self.partIndex($1.element.part), $1.offset)
      }
      for (_, record) in byPart where seen.insert(record.violation).inserted {
        var record = record
        record.part = nil
        kept.append(record)
      }
      let strategy: Strategy = first.strategy == "dfs" ? .dfs : .dpor
      var completion = ExplorationResult.Completion.complete
      if parts.contains(where: { $0.completeness == "timed out" }) {
        completion = .timedOut
      } else if parts.contains(where: { $0.completeness == "memory limit reached" }) {
        completion = .exceededMemoryLimit
      } else if parts.contains(where: { $0.completeness == "stopped at the first violation" }) {
        completion = .stoppedAtViolation
      }
      let result = ExplorationResult(
        statistics: statistics,
        counterexamples: kept.map { Counterexample(violation: $0.violation, trace: $0.trace) },
        completion: completion, strategy: strategy, depthBound: run?.depth)
      let expectation: Expectation
      if first.expectation == "ok" {
        expectation = .ok
      } else if first.expectation.hasPrefix("violation ") {
        expectation = .violation(kind: String(first.expectation.dropFirst("violation ".count)))
      } else {
        throw MergeError(message: "scenario '\(first.name)': unknown expectation '\(first.expectation)'")
      }
      let verdict = ScenarioRun.judge(
        expectation, result, requireComplete: run?.requireComplete ?? false,
        alsoExpected: first.alsoExpected ?? [])
      var record = first
      record.part = nil
      record.verdict = verdict.word.lowercased()
      record.reason = verdict.reason
      record.completeness = ScenarioRun.completeness(result)
      record.verified = result.isVerified
      record.statistics = statistics
      record.violations = kept.map(\.violation)
      record.peakResidentBytes = parts.compactMap(\.peakResidentBytes).max()
      return (record, kept)
    }

    /// Why a record's counts cannot be right, if they cannot: no count is negative, no time is
    /// negative or infinite.
    static func badCounts(_ s: Statistics) -> String? {
      for (what, count) in [
        ("executions", s.executions), ("sleepSetBlocked", s.sleepSetBlocked),
        ("transitions", s.transitions), ("distinctStates", s.distinctStates),
        ("maxDepth", s.maxDepth), ("cutExecutions", s.cutExecutions),
      ] where count < 0 {
        return "a negative count (\(what) \(count))"
      }
      if !s.elapsed.isFinite || s.elapsed < 0 || s.elapsed > 1e9 {
        return "an impossible time (elapsed \(s.elapsed))"
      }
      return nil
    }

    /// The sum of counts, or an error naming them when it does not fit in an `Int`.
    static func sum(_ counts: [Int], _ what: String) throws -> Int {
      var total = 0
      for count in counts {
        let (sum, overflow) = total.addingReportingOverflow(count)
        if overflow { throw MergeError(message: "\(what) overflow when added") }
        total = sum
      }
      return total
    }

    /// Refuses reports of different runs: every run record must agree on what makes counts and
    /// verdicts comparable (all but the shard index).
    static func checkComparable(_ runs: [(path: String, record: JSONLinesReport.RunRecord)])
      throws
    {
      guard let (firstPath, first) = runs.first else { return }
      func facts(_ r: JSONLinesReport.RunRecord) -> [(String, String)] {
        [
          ("eptcheck version", r.eptcheck), ("spec hash", r.specHash ?? "none"),
          ("strategy", r.strategy), ("depth", r.depth.map(String.init) ?? "none"),
          ("state budget", r.stateBudget.map(String.init) ?? "none"),
          ("shard count", r.shard.flatMap(ShardSpec.init(argument:)).map { "\($0.count)" } ?? "1"),
          ("--require-complete", "\(r.requireComplete ?? false)"),
          ("hash compaction", "\(r.hashCompaction ?? false)"),
        ]
      }
      let expected = facts(first)
      for (path, record) in runs.dropFirst() {
        for ((what, theirs), (_, mine)) in zip(expected, facts(record)) where mine != theirs {
          throw MergeError(
            message:
              "\(path) and \(firstPath) are not shards of one run: \(what) \(mine), not \(theirs)")
        }
      }
    }

    /// `I` of a part `I/N`.
    static func partIndex(_ part: String?) -> Int {
      part.flatMap(ShardSpec.init(argument:))?.index ?? 0
    }

    /// The two fields every record has.
    struct RecordHeader: Decodable {
      var version: Int
      var kind: String
    }
  }
}

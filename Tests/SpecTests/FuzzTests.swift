import Explorer
import ExplorerTestSupport
import Foundation
import Spec
import Testing

/// Random token soup and mutated valid programs: no crash, no hang; each input loads or yields
/// diagnostics, and whatever loads also runs.
@Suite struct FuzzTests {
  static let vocabulary: [String] = [
    "void", "int", "u64", "bool", "shared", "const", "rwlock", "spinlock", "scenario", "thread",
    "expect", "ok", "violation", "init", "finally", "variant", "of", "override", "if", "else",
    "while", "for", "do", "bound", "return", "break", "continue", "atomic", "await", "assert",
    "true", "false", "f", "g", "x", "a", "l", "t", "READ_ONCE", "WRITE_ONCE", "try_cmpxchg64",
    "xchg", "spin_lock", "spin_unlock", "read_lock", "write_unlock", "rcu_read_lock",
    "synchronize_rcu", "choose", "KVM_BUG_ON", "WARN_ON", "call_rcu", "kfree_rcu", "rcu_freed",
    "EBUSY", "FROZEN_SPTE",
    "@kernel", "(", ")", "{", "}", "[", "]", ";", ",", ":", "?", "=", "==", "!=", "<", "<=", ">",
    "+", "-", "*", "/", "%", "&", "&&", "||", "!", "~", "++", "--", "+=", "<<", ">>", "0", "1",
    "2", "4", "0x10", "99999999999999999999", "\"s\"", "\"", "/*", "*/", "//", "\n", "$", "é",
    "\u{0}", "deadlock", "assertion", "-", ".", "->",
  ]

  static let seeds: [String] = [
    Samples.tdpLike,
    CanonicalPrograms.lastZero(3),
    SemanticsTests.lostUpdate,
    SemanticsTests.twoLockDeadlock,
  ]

  struct Rng {
    var generator: SplitMix64
    mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(generator.next() % UInt64(n)) }
  }

  static func soup(_ rng: inout Rng) -> String {
    var parts: [String] = []
    for _ in 0..<(1 + rng.below(40)) { parts.append(vocabulary[rng.below(vocabulary.count)]) }
    return parts.joined(separator: rng.below(3) == 0 ? "" : " ")
  }

  /// Line-level edits keep the syntax more often, so more mutants load and run.
  static func mutateLines(_ source: String, _ rng: inout Rng) -> String {
    var lines = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    for _ in 0..<(1 + rng.below(3)) {
      guard lines.count > 1 else { break }
      let at = rng.below(lines.count)
      switch rng.below(4) {
      case 0: lines.remove(at: at)
      case 1: lines.insert(lines[rng.below(lines.count)], at: at)
      case 2: lines.swapAt(at, rng.below(lines.count))
      default:
        let digits = ["0", "1", "2", "3", "-1", "7"]
        lines[at] = lines[at].replacingOccurrences(
          of: String(rng.below(4)), with: digits[rng.below(digits.count)])
      }
    }
    return lines.joined(separator: "\n")
  }

  static func mutate(_ source: String, _ rng: inout Rng) -> String {
    if rng.below(2) == 0 { return mutateLines(source, &rng) }
    var bytes = Array(source.utf8)
    for _ in 0..<(1 + rng.below(3)) {
      guard !bytes.isEmpty else { break }
      let at = rng.below(bytes.count)
      switch rng.below(5) {
      case 0:  // delete a range
        let length = min(1 + rng.below(12), bytes.count - at)
        bytes.removeSubrange(at..<(at + length))
      case 1:  // insert a token
        bytes.insert(
          contentsOf: Array((" " + vocabulary[rng.below(vocabulary.count)] + " ").utf8), at: at)
      case 2:  // duplicate a range
        let length = min(1 + rng.below(20), bytes.count - at)
        bytes.insert(contentsOf: Array(bytes[at..<(at + length)]), at: rng.below(bytes.count))
      case 3:  // replace a byte
        bytes[at] = UInt8(truncatingIfNeeded: rng.below(256))
      default:  // swap two bytes
        bytes.swapAt(at, rng.below(bytes.count))
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  @Test func tenThousandInputs() throws {
    try Self.fuzz(seed: 0xE9_7C_4EC4, count: 10_000)
  }


  static func fuzz(seed: UInt64, count: Int) throws {
    var rng = Rng(generator: SplitMix64(seed: seed))
    var loaded = 0
    var rejected = 0
    var explored = 0
    for i in 0..<count {
      let source =
        i % 2 == 0 ? Self.soup(&rng) : Self.mutate(Self.seeds[rng.below(Self.seeds.count)], &rng)
      do {
        let spec = try LoadedSpec.load(source: source, file: "fuzz.ept")
        loaded += 1
        // Run what loads, briefly: a few random schedules to a small depth.
        for scenario in spec.scenarios.prefix(2) {
          let system = spec.system(for: scenario)
          _ = try Explorer.explore(
            system,
            configuration: Configuration(
              strategy: .random(seed: UInt64(i), executions: 2), depthBound: 40, shrink: false,
              countDistinctStates: false))
          explored += 1
        }
      } catch let error as SpecError {
        #expect(!error.errors.isEmpty, "input \(i) was rejected without an error")
        for diagnostic in error.errors {
          #expect(diagnostic.rendered.hasPrefix("fuzz.ept:"))
        }
        rejected += 1
      }
    }
    #expect(loaded + rejected == count)
    #expect(loaded > 100)
    print("fuzz: \(loaded) loaded (\(explored) scenarios run), \(rejected) rejected")
  }
}

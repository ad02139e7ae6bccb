// The syntax tree of one `.ept` file, as the parser builds it and the compiler reads it: the
// file and its declarations here, expressions in Expr.swift, statements in Stmt.swift.

/// A type as written: `int`, `u64 *`, `rwlock_t *`.
struct TypeRef: Sendable {
  var name: String
  var isPointer: Bool
  var location: SourceLocation
}

struct Parameter: Sendable {
  var type: TypeRef?
  var name: String
  var location: SourceLocation
}

/// `@kernel("arch/x86/kvm/mmu/tdp_mmu.c", "tdp_mmu_set_spte_atomic")`.
public struct KernelReference: Hashable, Sendable, Codable, CustomStringConvertible {
  public var file: String
  public var function: String
  public init(file: String, function: String) {
    self.file = file
    self.function = function
  }
  public var description: String { "\(file):\(function)" }
}

struct FunctionDecl: Sendable {
  var name: String
  var location: SourceLocation
  var returnType: TypeRef
  var parameters: [Parameter]
  var body: Stmt
  var isOverride: Bool
  var kernel: KernelReference?
  /// `@progress`: every step of the function counts as progress for livelock detection.
  var isProgress = false
  /// `@invariant` and `@on_release(...)`: where the checker calls the function by itself.
  var hooks: [InvariantHook] = []
}

/// Where a checking function runs without being called, so that an invariant is checked at the
/// moment the protocol states it in every scenario, including paths a patch adds.
enum InvariantHook: Sendable {
  /// `@invariant`: at the end of every execution of every scenario, before its `finally`.
  case final
  /// `@on_release(lock, write)` or `@on_release(lock, read)`: inside the step of every release
  /// of `lock` in that mode, just before the lock is released.
  case release(lock: String, write: Bool, location: SourceLocation)
}

struct SharedDecl: Sendable {
  var type: TypeRef
  var name: String
  var location: SourceLocation
  var length: Expr?
  var initial: [Expr]
}

struct ConstDecl: Sendable {
  var type: TypeRef
  var name: String
  var location: SourceLocation
  var value: Expr
}

struct ThreadDecl: Sendable {
  var name: String
  var location: SourceLocation
  var function: String
  var functionLocation: SourceLocation
  var arguments: [Argument]
}

struct ScenarioDecl: Sendable {
  var name: String
  var location: SourceLocation
  var initBlock: Stmt?
  var threads: [ThreadDecl]
  var expectation: Expectation?
  var expectationLocation: SourceLocation?
  /// The kinds after the first of `expect violation a, b;`: consequences of the bug that may
  /// show too, with where each is written.
  var alsoExpected: [(kind: String, location: SourceLocation)] = []
  var finallyBlock: Stmt?
  /// Built from the actor catalogue (ScenarioSynthesis), not written in a file.
  var isSynthesized = false
}

struct SourceFile: Sendable {
  var path: String
  var text: String
  var variantOf: (path: String, location: SourceLocation)?
  var functions: [FunctionDecl] = []
  var shareds: [SharedDecl] = []
  var constants: [ConstDecl] = []
  var scenarios: [ScenarioDecl] = []
  /// The actor catalogue's declarations (ActorDecl.swift).
  var actors: [ActorDecl] = []
  var findings: [FindingDecl] = []
}

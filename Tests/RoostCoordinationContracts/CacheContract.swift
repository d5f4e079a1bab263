import Foundation
import RoostCoordination
import RoostTestSupport
import Synchronization
import Testing

/// What a ``CacheContract`` check needs: cache clients of the implementation under test
/// (all on the same backend) and control over time.
public struct CacheContractEnvironment: Sendable {
    /// Returns a client of the backend, already namespaced for this run; every call may
    /// return the same instance.
    public let makeCache: @Sendable () async throws -> any Cache
    /// How the check moves time.
    public let time: ContractTime

    /// Creates an environment whose caches are namespaced to keep runs apart.
    public init(time: ContractTime, keyPrefix: String = uniqueKeyPrefix(), makeCache: @escaping @Sendable () async throws -> any Cache) {
        self.makeCache = { namespaced(try await makeCache(), keyPrefix) }
        self.time = time
    }
}

/// `cache.namespace(name)` for a cache known only by its protocol.
func namespaced(_ cache: some Cache, _ name: String) -> any Cache {
    cache.namespace(name)
}

/// A cache value used by the contract.
public struct ContractProfile: Codable, Sendable, Equatable {
    /// An identifier.
    public var id: Int
    /// A name with characters that need escaping.
    public var name: String
    /// A nested collection.
    public var roles: [String]

    /// Creates a profile.
    public init(id: Int, name: String = "Zoë \"Z\" O'Neil", roles: [String] = ["admin"]) {
        self.id = id
        self.name = name
        self.roles = roles
    }
}

/// The behaviour every ``Cache`` implementation must show.
public enum CacheContract {
    /// Every check of the contract.
    public static let cases: [ContractCase<CacheContractEnvironment>] = basics + computing

    static let basics: [ContractCase<CacheContractEnvironment>] = [
        ContractCase("values round-trip, deletes report what was there") { env in
            let (writer, reader) = (try await env.makeCache(), try await env.makeCache())
            #expect(try await reader.get("p", as: ContractProfile.self) == nil)
            try await writer.set("p", to: ContractProfile(id: 1), ttl: nil)
            #expect(try await reader.get("p", as: ContractProfile.self) == ContractProfile(id: 1))
            try await writer.set("p", to: ContractProfile(id: 2, roles: []), ttl: nil)
            #expect(try await reader.get("p", as: ContractProfile.self) == ContractProfile(id: 2, roles: []))
            try await writer.set("n", to: 42, ttl: nil)
            let number: Int? = try await reader.get("n")
            #expect(number == 42)
            #expect(try await reader.delete("p"))
            #expect(try await reader.delete("p") == false)
            #expect(try await reader.get("p", as: ContractProfile.self) == nil)
        },
        ContractCase("entries expire after their time to live; a new set replaces the expiry", needsPreciseTime: true) { env in
            let cache = try await env.makeCache()
            try await cache.set("short", to: "a", ttl: .seconds(2))
            try await cache.set("long", to: "b", ttl: .seconds(4))
            try await cache.set("forever", to: "c", ttl: nil)
            try await cache.set("replaced", to: "d", ttl: .seconds(2))
            try await cache.set("replaced", to: "e", ttl: nil)
            try await env.time.advance(.milliseconds(1_500))
            #expect(try await cache.get("short", as: String.self) == "a")
            try await env.time.advance(.milliseconds(1_000))
            #expect(try await cache.get("short", as: String.self) == nil)
            #expect(try await cache.get("long", as: String.self) == "b")
            #expect(try await cache.get("replaced", as: String.self) == "e")
            try await env.time.advance(.seconds(2))
            #expect(try await cache.get("long", as: String.self) == nil)
            #expect(try await cache.get("forever", as: String.self) == "c")
            #expect(try await cache.delete("short") == false)
        },
        ContractCase("namespaces keep equal keys apart") { env in
            let cache = try await env.makeCache()
            let (users, teams) = (namespaced(cache, "users"), namespaced(cache, "teams"))
            try await users.set("1", to: "ada", ttl: nil)
            try await teams.set("1", to: "core", ttl: nil)
            #expect(try await users.get("1", as: String.self) == "ada")
            #expect(try await teams.get("1", as: String.self) == "core")
            #expect(try await cache.get("users:1", as: String.self) == "ada")
            #expect(try await namespaced(users, "admins").get("1", as: String.self) == nil)
            try await users.delete("1")
            #expect(try await teams.get("1", as: String.self) == "core")
        },
        ContractCase("bad input and mismatched types are typed errors") { env in
            let cache = try await env.makeCache()
            try await cache.set("text", to: "not a number", ttl: nil)
            let decoding = try await #require(throws: CacheError.self) { try await cache.get("text", as: Int.self) }
            #expect(decoding.reason == .decodingFailed)
            #expect(decoding.code == "coordination.cache.decoding_failed")
            #expect(decoding.key.hasSuffix("text"))
            let encoding = try await #require(throws: CacheError.self) { try await cache.set("nan", to: Double.nan, ttl: nil) }
            #expect(encoding.reason == .encodingFailed)
            for ttl in [Duration.zero, .seconds(-1)] {
                let error = try await #require(throws: CacheError.self) { try await cache.set("k", to: 1, ttl: ttl) }
                #expect(error.reason == .invalidTTL(ttl))
                let computed = try await #require(throws: CacheError.self) {
                    try await cache.getOrCompute("k", ttl: ttl, waitTimeout: .seconds(1)) { 1 }
                }
                #expect(computed.reason == .invalidTTL(ttl))
            }
            let timeout = try await #require(throws: CacheError.self) {
                try await cache.getOrCompute("k", ttl: nil, waitTimeout: .seconds(-1)) { 1 }
            }
            #expect(timeout.reason == .invalidTimeout(.seconds(-1)))
            #expect(try await cache.get("k", as: Int.self) == nil)
        },
    ]
}

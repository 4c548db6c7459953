// Opens a database, writes, reads, scans and snapshots, walks a prefix by recency, runs
// transactions and reads a checkpoint through the C++ wrapper.
// Build: g++ -std=c++17 -I NativeAot/include sample.cpp -L artifacts/native -lslatefast
#include "slatefast.hpp"

#include <iostream>

int main(int argc, char **argv) {
    std::string store = argc > 1 ? std::string("file://") + argv[1] : "memory:///cpp-sample";
    try {
        auto db = slatefast::Db::open("sample", store);
        db.put("apple", "red");
        db.put("banana", "yellow", /*await_durable=*/false);
        db.write(slatefast::WriteBatch().put("cherry", "dark red").put("date", "brown").remove("banana"));
        auto snapshot = db.snapshot();
        db.put("apple", "green");

        std::cout << "apple: " << db.get("apple").value_or("(none)") << "\n";
        std::cout << "apple at the snapshot: " << snapshot.get("apple").value_or("(none)") << "\n";
        std::cout << "banana: " << db.get("banana").value_or("(none)") << "\n";
        auto it = db.scan({"b", std::nullopt});
        while (auto row = it.next()) std::cout << "  " << row->first << " = " << row->second << "\n";
        try {
            db.put("", "empty keys are rejected");
        } catch (const slatefast::InvalidError &e) {
            std::cout << "invalid: " << e.what() << "\n";
        }
        it.close();
        snapshot.close();

        // Every stored version of "apple", newest first: both writes are still in the memtable.
        auto recent = db.scan_prefix_by_recency("apple");
        while (auto row = recent.next()) std::cout << "recency: " << row->key << " = " << row->value << "\n";
        recent.close();

        // Two transactions write the same key: the second commit conflicts and applies nothing.
        auto t1 = db.begin_transaction();
        auto t2 = db.begin_transaction(slatefast::Isolation::Serializable);
        t1.put("fig", "purple");
        t2.put("fig", "green");
        std::cout << "t1 committed at " << t1.commit().value_or(0) << "\n";
        try {
            t2.commit();
        } catch (const slatefast::TransactionError &e) {
            std::cout << "t2 conflict: " << e.what() << "\n";
        }

        auto checkpoint = db.create_checkpoint(slatefast::CheckpointScope::All, 60 * 1000, "sample");
        db.put("fig", "dried");
        auto reader = slatefast::Reader::open("sample", store, "{\"checkpoint_id\": \"" + checkpoint.id + "\"}");
        std::cout << "fig at the checkpoint: " << reader.get("fig").value_or("(none)") << "\n";
        reader.close();
        db.delete_checkpoint(checkpoint.id);
        db.close();
        std::cout << "slatefast " << slatefast::version() << "\n";
        return 0;
    } catch (const slatefast::Error &e) {
        std::cerr << "error (kind " << e.kind() << "): " << e.what() << "\n";
        return 1;
    }
}

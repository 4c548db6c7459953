// Opens a database, writes, reads, scans and snapshots through the C++ wrapper.
// Build: g++ -std=c++17 -I NativeAot/include sample.cpp -L artifacts/native -lslatefast
#include "slatefast.hpp"

#include <iostream>

int main(int argc, char **argv) {
    std::string store = argc > 1 ? std::string("file://") + argv[1] : "memory:///";
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
        db.close();
        std::cout << "slatefast " << slatefast::version() << "\n";
        return 0;
    } catch (const slatefast::Error &e) {
        std::cerr << "error (kind " << e.kind() << "): " << e.what() << "\n";
        return 1;
    }
}

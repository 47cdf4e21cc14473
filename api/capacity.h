// api: ReturnConsumedCapacity.
//
// tidings does not throttle, but it reports the capacity units a request
// would consume on DynamoDB, so clients that log or budget them work. Each
// handler records the items it reads and writes in the request's
// CapacityMeter; Handle() then adds ConsumedCapacity to the response.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "common/attribute_value.h"
#include "storage/table_description.h"

namespace tidings {

class CapacityMeter {
 public:
  // A read of `bytes` (at least one read unit of 4 KB; half a unit when
  // eventually consistent).
  void AddRead(const std::string& table, size_t bytes, bool consistent);
  // A write of `bytes` (at least one write unit of 1 KB).
  void AddWrite(const std::string& table, size_t bytes);
  // A read of `bytes` from secondary index `index` of `table`.
  void AddIndexRead(const std::string& table, const SecondaryIndex& index, size_t bytes,
                    bool consistent);
  // A write that replaced `old_item` with `new_item` (either may be absent),
  // charged for the larger of the two, as DynamoDB does, plus one write for
  // each index entry put or removed (two when the index key changes).
  void AddItemWrite(const TableDescription& table, const std::optional<Item>& old_item,
                    const std::optional<Item>& new_item);
  // Transactions consume twice the units of the same reads and writes.
  void SetTransactional() { factor_ = 2.0; }

  // Returns the members to append to the response: `"ConsumedCapacity":...`
  // as an object (`as_list` false) or a list, or "" when nothing was metered.
  // `with_detail` (INDEXES) adds the units of the table and of each index.
  std::string ResponseMembers(bool as_list, bool with_detail) const;

 private:
  struct TableUnits {
    double table = 0;
    std::map<std::string, double> global_indexes;  // By index name.
    std::map<std::string, double> local_indexes;
  };
  std::map<std::string, TableUnits> units_;  // By table name.
  double factor_ = 1.0;
};

// The meter of the request being handled on this thread, or null.
CapacityMeter* CurrentCapacityMeter();
void SetCurrentCapacityMeter(CapacityMeter* meter);

}  // namespace tidings

// Encoder config parsing/serialisation and the vocabulary layout (reference spec §3).

#include "midigpt/encoder_config.hpp"

#include <algorithm>
#include <limits>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "midigpt/error.hpp"

namespace midigpt {
namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

constexpr int32_t kProgramCount = 128;
// Far above any real layout (the released ones have < 1000 ids); bounds the id -> domain table.
constexpr int64_t kMaxVocabularySize = 1 << 20;

[[noreturn]] void invalidConfig(const std::string& message) {
  throw Error(ErrorCode::InvalidConfig, message);
}

std::string describe(const Json& value) {
  std::string text = value.dump();
  constexpr size_t kMaxShown = 40;
  if (text.size() > kMaxShown) text = text.substr(0, kMaxShown) + "...";
  return text;
}

int32_t readInt(const Json& value, const std::string& key, int64_t minimum) {
  if (!value.is_number_integer()) {
    invalidConfig(key + ": expected an integer, got " + describe(value));
  }
  constexpr int64_t kMax = std::numeric_limits<int32_t>::max();
  const bool tooLarge = value.is_number_unsigned() && value.get<uint64_t>() > uint64_t{kMax};
  if (tooLarge || value.get<int64_t>() < minimum || value.get<int64_t>() > kMax) {
    invalidConfig(key + ": expected an integer in " + std::to_string(minimum) + ".." +
                  std::to_string(kMax) + ", got " + describe(value));
  }
  return static_cast<int32_t>(value.get<int64_t>());
}

bool readBool(const Json& value, const std::string& key) {
  if (!value.is_boolean()) invalidConfig(key + ": expected a boolean, got " + describe(value));
  return value.get<bool>();
}

const Json& requireArray(const Json& value, const std::string& key) {
  if (!value.is_array()) invalidConfig(key + ": expected an array, got " + describe(value));
  return value;
}

std::string readString(const Json& value, const std::string& key) {
  if (!value.is_string()) invalidConfig(key + ": expected a string, got " + describe(value));
  return value.get<std::string>();
}

/// Parses a positive decimal integer made of digits only ("4", "16").
std::optional<int32_t> parsePositive(std::string_view text) {
  if (text.empty() || text.size() > 6) return std::nullopt;
  int32_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (value <= 0) return std::nullopt;
  return value;
}

TimeSignature parseTimeSignature(const Json& value, const std::string& key) {
  const std::string text = readString(value, key);
  const size_t slash = text.find('/');
  std::optional<int32_t> numerator;
  std::optional<int32_t> denominator;
  if (slash != std::string::npos) {
    numerator = parsePositive(std::string_view(text).substr(0, slash));
    denominator = parsePositive(std::string_view(text).substr(slash + 1));
  }
  if (!numerator || !denominator) {
    invalidConfig(key + ": expected a time signature \"n/d\" of positive integers, got " +
                  describe(value));
  }
  return {*numerator, *denominator};
}

std::string timeSignatureText(const TimeSignature& signature) {
  return std::to_string(signature.numerator) + "/" + std::to_string(signature.denominator);
}

/// Param values are kept as their JSON text without quotes (attribute_spec.hpp).
std::string paramText(const Json& value, const std::string& key) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number() || value.is_boolean()) return value.dump();
  invalidConfig(key + ": expected a string, number or boolean, got " + describe(value));
}

/// Inverse of paramText: numbers and booleans go back as JSON scalars, the rest as strings.
OrderedJson paramJson(const std::string& text) {
  OrderedJson parsed = OrderedJson::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_discarded() && (parsed.is_number() || parsed.is_boolean())) return parsed;
  return OrderedJson(text);
}

std::vector<AttributeControl> parseAttributeControls(const Json& value) {
  std::vector<AttributeControl> controls;
  const std::string key = "attribute_controls";
  for (size_t i = 0; i < requireArray(value, key).size(); ++i) {
    const std::string itemKey = key + "[" + std::to_string(i) + "]";
    const Json& item = value[i];
    if (!item.is_object()) invalidConfig(itemKey + ": expected an object, got " + describe(item));
    if (!item.contains("name")) invalidConfig(itemKey + ": missing \"name\"");
    AttributeControl control;
    control.name = readString(item["name"], itemKey + ".name");
    if (item.contains("params")) {
      const Json& params = item["params"];
      if (!params.is_object()) {
        invalidConfig(itemKey + ".params: expected an object, got " + describe(params));
      }
      for (const auto& [param, paramValue] : params.items()) {
        control.params[param] = paramText(paramValue, itemKey + ".params." + param);
      }
    }
    controls.push_back(std::move(control));
  }
  return controls;
}

std::vector<std::vector<int32_t>> parseMergeGroups(const Json& value) {
  const std::string key = "instrument_merge_groups";
  std::vector<std::vector<int32_t>> groups;
  std::vector<bool> seen(kProgramCount, false);
  for (size_t i = 0; i < requireArray(value, key).size(); ++i) {
    const std::string groupKey = key + "[" + std::to_string(i) + "]";
    std::vector<int32_t> group;
    for (size_t j = 0; j < requireArray(value[i], groupKey).size(); ++j) {
      const std::string programKey = groupKey + "[" + std::to_string(j) + "]";
      const int32_t program = readInt(value[i][j], programKey, 0);
      if (program >= kProgramCount) {
        invalidConfig(programKey + ": program " + std::to_string(program) +
                      " is outside 0..127");
      }
      if (seen[static_cast<size_t>(program)]) {
        invalidConfig(key + ": program " + std::to_string(program) +
                      " appears in more than one place");
      }
      seen[static_cast<size_t>(program)] = true;
      group.push_back(program);
    }
    groups.push_back(std::move(group));
  }
  return groups;
}

std::map<std::string, std::vector<std::string>> parseGenreGroups(const Json& value) {
  const std::string key = "genre_groups";
  if (!value.is_object()) invalidConfig(key + ": expected an object, got " + describe(value));
  std::map<std::string, std::vector<std::string>> groups;
  for (const auto& [canonical, aliases] : value.items()) {
    const std::string groupKey = key + "." + canonical;
    std::vector<std::string>& list = groups[canonical];
    for (size_t i = 0; i < requireArray(aliases, groupKey).size(); ++i) {
      list.push_back(readString(aliases[i], groupKey + "[" + std::to_string(i) + "]"));
    }
  }
  return groups;
}

std::vector<int32_t> parseNumBarsMap(const Json& value) {
  const std::string key = "num_bars_map";
  std::vector<int32_t> values;
  for (size_t i = 0; i < requireArray(value, key).size(); ++i) {
    const int32_t bars = readInt(value[i], key + "[" + std::to_string(i) + "]", 1);
    if (std::find(values.begin(), values.end(), bars) != values.end()) {
      invalidConfig(key + ": " + std::to_string(bars) + " is listed twice");
    }
    values.push_back(bars);
  }
  return values;
}

std::vector<TokenDomain> parseTokenDomains(const Json& value) {
  const std::string key = "token_domains";
  std::vector<TokenDomain> domains;
  for (size_t i = 0; i < requireArray(value, key).size(); ++i) {
    const std::string itemKey = key + "[" + std::to_string(i) + "]";
    const Json& item = value[i];
    if (!item.is_object()) invalidConfig(itemKey + ": expected an object, got " + describe(item));
    if (!item.contains("type")) invalidConfig(itemKey + ": missing \"type\"");
    if (!item.contains("domain_size")) invalidConfig(itemKey + ": missing \"domain_size\"");
    const std::string typeName = readString(item["type"], itemKey + ".type");
    const std::optional<TokenType> type = parseTokenType(typeName);
    if (!type) invalidConfig(itemKey + ".type: unknown token type '" + typeName + "'");
    TokenDomain domain;
    domain.type = *type;
    domain.size = readInt(item["domain_size"], itemKey + ".domain_size", 0);
    domains.push_back(domain);
  }
  return domains;
}

struct InstrumentTables {
  std::vector<int32_t> programToGroup;  // GM program -> dense group id
  std::vector<int32_t> groupToProgram;  // dense group id -> representative program
};

/// Dense instrument groups (spec §3.4): a program's representative is the first program of its
/// merge group; dense id = rank of the representative among all representatives.
InstrumentTables buildInstrumentTables(const std::vector<std::vector<int32_t>>& mergeGroups) {
  std::vector<int32_t> representative(kProgramCount);
  for (int32_t program = 0; program < kProgramCount; ++program) {
    representative[static_cast<size_t>(program)] = program;
  }
  const auto inRange = [](int32_t program) { return program >= 0 && program < kProgramCount; };
  for (const std::vector<int32_t>& group : mergeGroups) {
    if (group.empty() || !inRange(group.front())) continue;
    for (int32_t program : group) {
      if (inRange(program)) representative[static_cast<size_t>(program)] = group.front();
    }
  }
  InstrumentTables tables;
  tables.groupToProgram = representative;
  std::sort(tables.groupToProgram.begin(), tables.groupToProgram.end());
  tables.groupToProgram.erase(
      std::unique(tables.groupToProgram.begin(), tables.groupToProgram.end()),
      tables.groupToProgram.end());
  tables.programToGroup.reserve(kProgramCount);
  for (int32_t rep : representative) {
    const auto rank =
        std::lower_bound(tables.groupToProgram.begin(), tables.groupToProgram.end(), rep) -
        tables.groupToProgram.begin();
    tables.programToGroup.push_back(static_cast<int32_t>(rank));
  }
  return tables;
}

std::string lowerAscii(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lower;
}

/// Dense ids follow the sorted canonical names; later groups win for names listed twice.
std::map<std::string, int32_t> buildGenreLookup(
    const std::map<std::string, std::vector<std::string>>& genreGroups) {
  std::map<std::string, int32_t> lookup;
  int32_t id = 0;
  for (const auto& [canonical, aliases] : genreGroups) {
    lookup[lowerAscii(canonical)] = id;
    for (const std::string& alias : aliases) lookup[lowerAscii(alias)] = id;
    ++id;
  }
  return lookup;
}

/// The layout the reference derives when a config has no token_domains (spec §3.3), without
/// the attribute domains, which are appended afterwards for every layout.
std::vector<TokenDomain> deriveTokenDomains(const EncoderConfig& config, int32_t groupCount) {
  std::vector<TokenDomain> domains;
  const auto add = [&](TokenType type, int64_t size) {
    if (size > std::numeric_limits<int32_t>::max()) {
      invalidConfig(std::string("derived ") + std::string(tokenTypeName(type)) +
                    " domain is too large");
    }
    domains.push_back({type, static_cast<int32_t>(size), 0});
  };
  add(TokenType::PieceStart, config.supportsInfill ? 2 : 1);
  add(TokenType::Track, 2);
  add(TokenType::TrackEnd, 1);
  add(TokenType::Bar, 1);
  add(TokenType::BarEnd, 1);
  if (!config.timeSignatures.empty()) {
    add(TokenType::TimeSig, static_cast<int64_t>(config.timeSignatures.size()));
  }
  add(TokenType::Instrument, groupCount);
  if (!config.numBarsMap.empty()) {
    add(TokenType::NumBars, static_cast<int64_t>(config.numBarsMap.size()));
  }
  add(TokenType::NoteOnset, config.pitchMax - config.pitchMin + 1);
  add(TokenType::NoteDuration,
      static_cast<int64_t>(config.noteDurationMaxBeats) * config.resolution);
  if (!config.timeSignatures.empty()) {
    int64_t longestBar = 0;
    for (const TimeSignature& signature : config.timeSignatures) {
      const int64_t ticks = int64_t{4} * config.resolution * signature.numerator;
      longestBar = std::max(longestBar, (ticks + signature.denominator - 1) /
                                            signature.denominator);
    }
    add(TokenType::TimeAbsolutePos, longestBar);
  }
  if (config.switchableVelocity) add(TokenType::UseVelocity, 2);
  if (config.switchableMicrotiming) add(TokenType::UseMicrotiming, 2);
  if (!config.genreGroups.empty()) {
    add(TokenType::Genre, static_cast<int64_t>(config.genreGroups.size()));
  }
  add(TokenType::VelocityLevel, config.velocityLevels);
  if (config.emitDeltaTokens) {
    add(TokenType::DeltaDirection, 2);
    add(TokenType::Delta, std::max(1, config.resolution / 2));
  }
  if (config.supportsInfill) {
    add(TokenType::FillInPlaceholder, 1);
    add(TokenType::FillInStart, 1);
    add(TokenType::FillInEnd, 1);
  }
  if (config.supportsMaskBarToken) add(TokenType::MaskBar, 1);
  return domains;
}

}  // namespace

// --- Vocabulary -------------------------------------------------------------------------------

Vocabulary::Vocabulary(std::vector<TokenDomain> domains) : domains_(std::move(domains)) {
  int64_t offset = 0;
  for (size_t index = 0; index < domains_.size(); ++index) {
    TokenDomain& domain = domains_[index];
    if (!isKnownTokenType(static_cast<int32_t>(domain.type))) {
      invalidConfig("token_domains: unknown token type " +
                    std::to_string(static_cast<int32_t>(domain.type)));
    }
    const std::string name(tokenTypeName(domain.type));
    if (domain.size < 0) invalidConfig("token_domains: " + name + " has a negative size");
    if (!indexOfType_.emplace(domain.type, index).second) {
      invalidConfig("token_domains: duplicate domain " + name);
    }
    domain.offset = static_cast<int32_t>(offset);
    offset += domain.size;
    if (offset > kMaxVocabularySize) {
      invalidConfig("token_domains: the vocabulary exceeds " +
                    std::to_string(kMaxVocabularySize) + " ids");
    }
  }
  size_ = static_cast<int32_t>(offset);
  domainOfId_.reserve(static_cast<size_t>(size_));
  for (size_t index = 0; index < domains_.size(); ++index) {
    domainOfId_.insert(domainOfId_.end(), static_cast<size_t>(domains_[index].size),
                       static_cast<int32_t>(index));
  }
}

bool Vocabulary::has(TokenType type) const noexcept { return indexOfType_.count(type) != 0; }

int32_t Vocabulary::domainSize(TokenType type) const noexcept {
  const auto found = indexOfType_.find(type);
  return found == indexOfType_.end() ? 0 : domains_[found->second].size;
}

int32_t Vocabulary::id(TokenType type, int32_t value) const {
  const auto found = indexOfType_.find(type);
  if (found == indexOfType_.end()) {
    throw Error(ErrorCode::InvalidArgument,
                "token type " + std::string(tokenTypeName(type)) + " is not in the vocabulary");
  }
  const TokenDomain& domain = domains_[found->second];
  if (value < 0 || value >= domain.size) {
    throw Error(ErrorCode::InvalidArgument,
                "value " + std::to_string(value) + " is outside the " +
                    std::string(tokenTypeName(type)) + " domain (size " +
                    std::to_string(domain.size) + ")");
  }
  return domain.offset + value;
}

int32_t Vocabulary::clampedId(TokenType type, int32_t value) const {
  const int32_t size = domainSize(type);
  if (size == 0) return id(type, value);  // absent or empty: id() reports it
  return id(type, std::clamp(value, 0, size - 1));
}

std::pair<TokenType, int32_t> Vocabulary::decode(int32_t id) const {
  if (id < 0 || id >= size_) {
    throw Error(ErrorCode::InvalidTokens, "token " + std::to_string(id) +
                                              " is outside the vocabulary (size " +
                                              std::to_string(size_) + ")");
  }
  const TokenDomain& domain = domains_[static_cast<size_t>(domainOfId_[static_cast<size_t>(id)])];
  return {domain.type, id - domain.offset};
}

// --- EncoderConfig ----------------------------------------------------------------------------

EncoderConfig EncoderConfig::fromJson(std::string_view text) {
  Json root = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) invalidConfig("the config is not valid JSON");
  if (!root.is_object()) invalidConfig("the config must be a JSON object");

  EncoderConfig config;
  const auto has = [&](const char* key) { return root.contains(key); };
  if (has("resolution")) config.resolution = readInt(root["resolution"], "resolution", 1);
  if (has("decode_resolution")) {
    config.decodeResolution = readInt(root["decode_resolution"], "decode_resolution", 1);
  }
  if (has("pitch_range")) {
    const Json& range = requireArray(root["pitch_range"], "pitch_range");
    if (range.size() != 2) invalidConfig("pitch_range: expected [min, max]");
    config.pitchMin = readInt(range[0], "pitch_range[0]", 0);
    config.pitchMax = readInt(range[1], "pitch_range[1]", 0);
    if (config.pitchMin > config.pitchMax || config.pitchMax > 127) {
      invalidConfig("pitch_range: expected 0 <= min <= max <= 127, got " +
                    describe(root["pitch_range"]));
    }
  }
  if (has("velocity_levels")) {
    config.velocityLevels = readInt(root["velocity_levels"], "velocity_levels", 1);
  }
  if (has("note_duration_max_beats")) {
    config.noteDurationMaxBeats =
        readInt(root["note_duration_max_beats"], "note_duration_max_beats", 1);
  }
  const std::pair<const char*, bool*> flags[] = {
      {"emit_delta_tokens", &config.emitDeltaTokens},
      {"supports_infill", &config.supportsInfill},
      {"supports_mask_bar_token", &config.supportsMaskBarToken},
      {"velocity_sticky", &config.velocitySticky},
      {"switchable_velocity", &config.switchableVelocity},
      {"switchable_microtiming", &config.switchableMicrotiming},
  };
  for (const auto& [key, flag] : flags) {
    if (has(key)) *flag = readBool(root[key], key);
  }
  // A model that can switch microtiming was trained with delta tokens.
  if (config.switchableMicrotiming) config.emitDeltaTokens = true;

  if (has("attribute_controls")) {
    config.attributeControls = parseAttributeControls(root["attribute_controls"]);
  }
  if (has("time_signatures")) {
    const Json& list = requireArray(root["time_signatures"], "time_signatures");
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string key = "time_signatures[" + std::to_string(i) + "]";
      const TimeSignature signature = parseTimeSignature(list[i], key);
      if (config.timeSignatureIndex(signature.numerator, signature.denominator)) {
        invalidConfig("time_signatures: " + timeSignatureText(signature) + " is listed twice");
      }
      config.timeSignatures.push_back(signature);
    }
  }
  if (has("instrument_merge_groups")) {
    config.instrumentMergeGroups = parseMergeGroups(root["instrument_merge_groups"]);
  }
  if (has("genre_groups")) config.genreGroups = parseGenreGroups(root["genre_groups"]);
  if (has("num_bars_map")) config.numBarsMap = parseNumBarsMap(root["num_bars_map"]);
  config.buildTables();

  std::vector<TokenDomain> domains =
      has("token_domains")
          ? parseTokenDomains(root["token_domains"])
          : deriveTokenDomains(config, static_cast<int32_t>(config.groupToProgram_.size()));
  std::vector<TokenType> domainTypes;
  for (const TokenDomain& domain : domains) {
    if (std::find(domainTypes.begin(), domainTypes.end(), domain.type) != domainTypes.end()) {
      invalidConfig("token_domains: duplicate domain " +
                    std::string(tokenTypeName(domain.type)));
    }
    domainTypes.push_back(domain.type);
  }
  config.attributes = resolveAttributes(domainTypes, config.attributeControls);
  // Like the reference's add_attribute_token_domains: attributes without a slot get one.
  for (const AttributeSpec& spec : config.attributes) {
    if (std::find(domainTypes.begin(), domainTypes.end(), spec.tokenType) == domainTypes.end()) {
      domains.push_back({spec.tokenType, spec.size, 0});
      domainTypes.push_back(spec.tokenType);
    }
  }
  config.vocabulary = Vocabulary(std::move(domains));
  return config;
}

std::string EncoderConfig::toJson() const {
  OrderedJson root;
  root["resolution"] = resolution;
  root["decode_resolution"] = decodeResolution;
  root["emit_delta_tokens"] = emitDeltaTokens;
  root["supports_infill"] = supportsInfill;
  root["supports_mask_bar_token"] = supportsMaskBarToken;
  root["velocity_sticky"] = velocitySticky;
  root["switchable_velocity"] = switchableVelocity;
  root["switchable_microtiming"] = switchableMicrotiming;
  root["pitch_range"] = {pitchMin, pitchMax};
  root["velocity_levels"] = velocityLevels;
  root["note_duration_max_beats"] = noteDurationMaxBeats;
  OrderedJson controls = OrderedJson::array();
  for (const AttributeControl& control : attributeControls) {
    OrderedJson params = OrderedJson::object();
    for (const auto& [param, value] : control.params) params[param] = paramJson(value);
    controls.push_back({{"name", control.name}, {"params", params}});
  }
  root["attribute_controls"] = controls;
  OrderedJson domains = OrderedJson::array();
  for (const TokenDomain& domain : vocabulary.domains()) {
    domains.push_back({{"type", tokenTypeName(domain.type)}, {"domain_size", domain.size}});
  }
  root["token_domains"] = domains;
  if (!numBarsMap.empty()) root["num_bars_map"] = numBarsMap;
  if (!timeSignatures.empty()) {
    OrderedJson signatures = OrderedJson::array();
    for (const TimeSignature& signature : timeSignatures) {
      signatures.push_back(timeSignatureText(signature));
    }
    root["time_signatures"] = signatures;
  }
  root["instrument_merge_groups"] = instrumentMergeGroups;
  if (!genreGroups.empty()) root["genre_groups"] = genreGroups;
  return root.dump(4);
}

std::optional<int32_t> EncoderConfig::timeSignatureIndex(int32_t numerator,
                                                         int32_t denominator) const {
  for (size_t index = 0; index < timeSignatures.size(); ++index) {
    if (timeSignatures[index].numerator == numerator &&
        timeSignatures[index].denominator == denominator) {
      return static_cast<int32_t>(index);
    }
  }
  return std::nullopt;
}

int32_t EncoderConfig::instrumentGroup(int32_t program) const {
  if (program < 0 || program >= kProgramCount) program = 0;
  const auto index = static_cast<size_t>(program);
  // A config assembled by hand rather than parsed has no tables: derive them on the fly.
  if (programToGroup_.empty()) {
    return buildInstrumentTables(instrumentMergeGroups).programToGroup[index];
  }
  return programToGroup_[index];
}

int32_t EncoderConfig::groupProgram(int32_t group) const {
  if (groupToProgram_.empty()) {
    const InstrumentTables tables = buildInstrumentTables(instrumentMergeGroups);
    if (group < 0 || static_cast<size_t>(group) >= tables.groupToProgram.size()) return 0;
    return tables.groupToProgram[static_cast<size_t>(group)];
  }
  if (group < 0 || static_cast<size_t>(group) >= groupToProgram_.size()) return 0;
  return groupToProgram_[static_cast<size_t>(group)];
}

std::optional<int32_t> EncoderConfig::genreId(std::string_view name) const {
  const auto lookUp = [&](const std::map<std::string, int32_t>& lookup) -> std::optional<int32_t> {
    const auto found = lookup.find(lowerAscii(name));
    if (found == lookup.end()) return std::nullopt;
    return found->second;
  };
  // A config assembled by hand rather than parsed: derive the table on the fly.
  if (genreLookup_.empty() && !genreGroups.empty()) return lookUp(buildGenreLookup(genreGroups));
  return lookUp(genreLookup_);
}

void EncoderConfig::buildTables() {
  InstrumentTables tables = buildInstrumentTables(instrumentMergeGroups);
  programToGroup_ = std::move(tables.programToGroup);
  groupToProgram_ = std::move(tables.groupToProgram);
  genreLookup_ = buildGenreLookup(genreGroups);
}

}  // namespace midigpt

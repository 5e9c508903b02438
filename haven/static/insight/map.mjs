// Draws the profile's map of DA incidents by postcode district: one circle per district at
// its centroid (loaded by the force as data), on a plain background unless the force named
// its own tile server. Self-hosted Leaflet; no inline script or style (strict CSP): the
// figures travel in a json_script element and the same figures are in the table beneath.
import * as L from "../vendor/leaflet/leaflet.mjs";

const holder = document.querySelector(".haven-map[data-map]");
const source = holder && document.getElementById(holder.dataset.map);

if (holder && source) {
  const data = JSON.parse(source.textContent);
  const map = L.map(holder, { attributionControl: false, scrollWheelZoom: false, zoomSnap: 0.25 });
  const credits = L.control.attribution({ prefix: false }).addTo(map);
  if (data.tile_url) {
    L.tileLayer(data.tile_url, { attribution: data.tile_attribution || "" }).addTo(map);
  }
  if (data.synthetic) credits.addAttribution("Synthetic demo centroids, not real places");
  const largest = Math.max(1, ...data.points.map((p) => p.da_events));
  const circles = L.featureGroup();
  for (const point of data.points) {
    const label = document.createElement("span");
    label.textContent = `${point.district}: ${point.da_events} DA incidents`;
    L.circleMarker([point.lat, point.lon], {
      radius: 5 + 20 * Math.sqrt(point.da_events / largest),
      color: "#1d70b8", weight: 1, fillColor: "#1d70b8", fillOpacity: 0.45,
    }).bindTooltip(label).addTo(circles);
  }
  circles.addTo(map);
  if (data.points.length) {
    map.fitBounds(circles.getBounds().pad(0.25), { maxZoom: 11 });
  } else {
    map.setView([data.centre[0], data.centre[1]], 8);
  }
  holder.classList.add("haven-map--drawn");
}

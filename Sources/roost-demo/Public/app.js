// Roost Board: plain JavaScript, no build step. Every API answer is the Roost envelope
// {code, data, msg, request_id, extra}; errors are shown from it.
"use strict";

const $ = (selector, root = document) => root.querySelector(selector);
const money = (cents) => (cents / 100).toLocaleString(undefined, { style: "currency", currency: "EUR" });

/** Calls the API and returns `data`, or throws an Error carrying the envelope. */
async function api(path, options = {}) {
  const response = await fetch(path, options);
  let envelope;
  try {
    envelope = await response.json();
  } catch {
    throw Object.assign(new Error(`${response.status} ${response.statusText}`), { status: response.status });
  }
  if (!response.ok || envelope.code !== 0) {
    const error = new Error(envelope.msg || `${response.status}`);
    Object.assign(error, { status: response.status, envelope });
    throw error;
  }
  return envelope.data;
}

/** Shows an envelope error (its message, field problems and request id). */
function showError(error) {
  const box = $("#error");
  const fields = error.envelope?.extra?.fields;
  const details = fields
    ? Object.entries(fields).map(([name, problems]) => `${name}: ${problems.join(", ")}`).join("; ")
    : "";
  const id = error.envelope?.request_id ? ` (request ${error.envelope.request_id})` : "";
  box.textContent = `${error.message}${details ? " — " + details : ""}${id}`;
  box.hidden = false;
  clearTimeout(showError.timer);
  showError.timer = setTimeout(() => (box.hidden = true), 6000);
}

function renderProduct(product) {
  const card = $("#product-card").content.firstElementChild.cloneNode(true);
  card.dataset.id = product.id;
  $(".name", card).textContent = product.name;
  $(".price", card).textContent = money(product.price_cents);
  $(".stock", card).textContent = product.stock;
  if (product.image_type) {
    const image = $(".picture img", card);
    image.src = `/products/${product.id}/image?v=${Date.now()}`;
    image.hidden = false;
    $(".no-image", card).hidden = true;
  }

  $(".order", card).addEventListener("click", async () => {
    const quantity = Number($(".quantity", card).value);
    try {
      await api("/orders", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ product_id: product.id, quantity, client_token: crypto.randomUUID() }),
      });
    } catch (error) {
      showError(error);
    }
  });

  const upload = $(".upload", card);
  const input = $("input[type=file]", upload);
  const preview = $(".preview", upload);
  input.addEventListener("change", () => {
    const file = input.files[0];
    if (!file) return;
    // Instant preview, before anything is sent.
    preview.src = URL.createObjectURL(file);
    preview.hidden = false;
    $("button", upload).hidden = false;
  });
  upload.addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData();
    form.append("image", input.files[0]);
    try {
      const updated = await api(`/products/${product.id}/image`, { method: "POST", body: form });
      card.replaceWith(renderProduct(updated));
    } catch (error) {
      showError(error);
    }
  });
  return card;
}

async function loadProducts() {
  const products = await api("/products?size=100");
  $("#products").replaceChildren(...products.map(renderProduct));
}

async function loadStats() {
  const stats = await api("/stats");
  const t = stats.totals;
  const plural = (count, word) => `${count} ${word}${count === 1 ? "" : "s"}`;
  $("#stats").textContent =
    `${plural(t.orders, "order")} · ${plural(t.units, "unit")} · ${money(t.revenue_cents)} (coordination: ${stats.backend})`;
}

function addToFeed(order) {
  const item = document.createElement("li");
  const time = new Date(order.placed_at).toLocaleTimeString();
  item.textContent = `${time} — order #${order.order_id}: ${order.quantity} × ${order.product_name}, ${order.remaining_stock} left`;
  $("#feed").prepend(item);
  while ($("#feed").children.length > 50) $("#feed").lastElementChild.remove();
  const card = $(`.product[data-id="${order.product_id}"]`);
  if (card) $(".stock", card).textContent = order.remaining_stock;
}

function connectFeed() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}/events`);
  socket.addEventListener("open", () => ($("#status").textContent = "live"));
  socket.addEventListener("message", (message) => {
    const event = JSON.parse(message.data);
    if (event.type === "demo.order.placed") {
      addToFeed(event.data);
      loadStats().catch(showError);
    } else if (event.error) {
      showError(new Error(event.error.message));
    }
  });
  socket.addEventListener("close", () => {
    $("#status").textContent = "reconnecting…";
    setTimeout(connectFeed, 2000);
  });
}

$("#new-product").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  try {
    await api("/products", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        name: form.get("name"),
        price_cents: Number(form.get("price_cents")),
        stock: Number(form.get("stock")),
      }),
    });
    event.target.reset();
    await loadProducts();
  } catch (error) {
    showError(error);
  }
});

loadProducts().catch(showError);
loadStats().catch(showError);
// The statistics consumer counts an order shortly after the feed shows it: refresh.
setInterval(() => loadStats().catch(showError), 3000);
connectFeed();

import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { dropPinFromAddress } from './device/device';
import { inTauri } from './lib/api';

dropPinFromAddress();

// A browser keeps the app's files for a reload without the network (the app carries its own).
if (import.meta.env.PROD && !inTauri() && 'serviceWorker' in navigator) {
  void import('virtual:pwa-register').then(({ registerSW }) => registerSW({ immediate: true }));
}

const app = mount(App, { target: document.getElementById('app')! });

export default app;
